/**
 * A browser without a screen: keeps cookies per host and follows redirects by hand, so a test
 * can stop at an app's redirect URI and read the code there, as the app would.
 */
export class UserAgent {
  private readonly jar = new Map<string, Map<string, string>>();
  lastUrl = '';

  constructor(readonly ip?: string) {}

  cookies(host: string): Map<string, string> {
    let cookies = this.jar.get(host);
    if (!cookies) {
      cookies = new Map();
      this.jar.set(host, cookies);
    }
    return cookies;
  }

  private store(url: URL, response: Response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';');
      const index = (pair ?? '').indexOf('=');
      const name = (pair ?? '').slice(0, index).trim();
      const value = (pair ?? '').slice(index + 1).trim();
      const expired = attributes.some((attribute) => {
        const [key, val] = attribute.trim().split('=');
        return (
          (key?.toLowerCase() === 'max-age' && Number(val) <= 0) ||
          (key?.toLowerCase() === 'expires' && Date.parse(val ?? '') < Date.now())
        );
      });
      if (expired) this.cookies(url.host).delete(name);
      else this.cookies(url.host).set(name, value);
    }
  }

  /** One request, no redirect following. */
  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}) {
    const target = new URL(url);
    const headers: Record<string, string> = {};
    const cookies = [...this.cookies(target.host)].map(([name, value]) => `${name}=${value}`);
    if (cookies.length) headers.cookie = cookies.join('; ');
    if (this.ip) headers['x-forwarded-for'] = this.ip;

    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(target, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual',
    });
    this.store(target, response);
    this.lastUrl = target.href;
    return response;
  }

  /**
   * Follows redirects until a page answers, or until the next hop starts with `stopAt`
   * (an app's redirect URI); returns that URL instead of loading it.
   */
  async navigate(
    url: string,
    init: { form?: Record<string, string>; stopAt?: string } = {},
  ): Promise<{ url: string; status: number; body: string; stopped: boolean }> {
    let response = await this.request(url, { form: init.form });
    let current = url;
    for (let hops = 0; hops < 20; hops++) {
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) {
        return {
          url: current,
          status: response.status,
          body: await response.text(),
          stopped: false,
        };
      }
      await response.body?.cancel();
      current = new URL(location, current).href;
      if (init.stopAt && current.startsWith(init.stopAt)) {
        return { url: current, status: response.status, body: '', stopped: true };
      }
      response = await this.request(current);
    }
    throw new Error('too many redirects');
  }
}

/** Reads a form's action and hidden fields out of a page, like a person filling it in. */
export function readForm(html: string, actionEndsWith: string) {
  const forms = html.match(/<form[\s\S]*?<\/form>/g) ?? [];
  const form = forms.find((candidate) => {
    const action = candidate.match(/action="([^"]*)"/)?.[1] ?? '';
    return action.endsWith(actionEndsWith);
  });
  if (!form) throw new Error(`no form posting to …${actionEndsWith} on this page:\n${html}`);

  const action = (form.match(/action="([^"]*)"/)?.[1] ?? '').replace(/&amp;/g, '&');
  const fields: Record<string, string> = {};
  for (const input of form.match(/<input[^>]*>/g) ?? []) {
    const name = input.match(/name="([^"]*)"/)?.[1];
    const value = input.match(/value="([^"]*)"/)?.[1];
    if (name && /type="hidden"/.test(input)) fields[name] = value ?? '';
  }
  return { action, fields };
}
