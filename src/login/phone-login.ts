import type { AccountStore } from '../accounts/account-store.js';
import type { AuditLog } from '../accounts/audit-log.js';
import type { IdentityLinks } from '../accounts/identity-links.js';
import { decideLogin } from '../accounts/link-rules.js';
import { verifyAgainstDecoy, verifyPassword } from '../accounts/password.js';
import { normalisePhone } from '../accounts/phone.js';
import type { LoginThrottle } from './login-throttle.js';
import type { SmsCodes } from './sms-codes.js';
import type { SmsSender } from './sms-sender.js';

export type LoginOutcome =
  | { ok: true; accountId: string; created?: boolean }
  | { ok: false; reason: 'bad_phone' | 'invalid_credentials' | 'invalid_code' }
  | { ok: false; reason: 'too_many_attempts'; retryAfterSeconds: number };

export type SendOutcome =
  | { ok: true; phone: string }
  | { ok: false; reason: 'bad_phone' }
  | { ok: false; reason: 'too_many_codes'; retryAfterSeconds: number };

type Deps = {
  accounts: AccountStore;
  audit: AuditLog;
  links: IdentityLinks;
  throttle: LoginThrottle;
  codes: SmsCodes;
  sender: SmsSender;
  limits: { resendSeconds: number; maxPerHour: number };
};

// An address stands for many parents behind one carrier NAT, so it gets more tries.
const IP_ALLOWANCE = 4;

/**
 * The phone login provider: phone + password and phone + SMS code. Answers never tell
 * whether a phone is registered; failures count against the phone and the address.
 */
export class PhoneLogin {
  constructor(private readonly deps: Deps) {}

  async withPassword(input: {
    phone: string;
    password: string;
    ip: string;
  }): Promise<LoginOutcome> {
    const phone = normalisePhone(input.phone);
    if (!phone) return { ok: false, reason: 'bad_phone' };

    const blocked = await this.blocked(phone, input.ip);
    if (blocked) return blocked;

    const account = await this.deps.accounts.findByIdentity('phone', phone);
    const valid = account?.passwordHash
      ? await verifyPassword(account.passwordHash, input.password)
      : await verifyAgainstDecoy(input.password);

    if (!account || !valid || account.status !== 'active') {
      await this.fail(phone, input.ip);
      return { ok: false, reason: 'invalid_credentials' };
    }

    await this.succeed(phone, account.id, input.ip, 'pwd');
    return { ok: true, accountId: account.id };
  }

  /**
   * Sends a code whether or not the phone is registered: proving the phone is enough to sign
   * up, and answering differently would reveal who is registered.
   */
  async sendCode(input: { phone: string; attemptId: string; ip: string }): Promise<SendOutcome> {
    const phone = normalisePhone(input.phone);
    if (!phone) return { ok: false, reason: 'bad_phone' };

    const wait = await this.codeWait(phone, input.ip);
    if (wait > 0) return { ok: false, reason: 'too_many_codes', retryAfterSeconds: wait };

    const code = await this.deps.codes.issue(phone, input.attemptId, input.ip);
    await this.deps.sender.send({
      phone,
      code,
      body: `【星级家长执照】验证码 ${code}，5分钟内有效。请勿告诉他人。`,
    });
    return { ok: true, phone };
  }

  async withCode(input: {
    phone: string;
    code: string;
    attemptId: string;
    ip: string;
  }): Promise<LoginOutcome> {
    const phone = normalisePhone(input.phone);
    if (!phone) return { ok: false, reason: 'bad_phone' };

    const blocked = await this.blocked(phone, input.ip);
    if (blocked) return blocked;

    const check = await this.deps.codes.consume(phone, input.attemptId, input.code.trim());
    if (check !== 'ok') {
      await this.fail(phone, input.ip);
      return { ok: false, reason: 'invalid_code' };
    }

    // The code proved the phone, so it is a verified identity like any upstream one and the
    // same linking rules decide: its account, or a new one. A disabled account answers like a
    // wrong code, so the page never tells which phones are registered.
    const decision = await decideLogin(
      { accounts: this.deps.accounts, links: this.deps.links, audit: this.deps.audit },
      {
        providerId: 'phone',
        identities: [{ provider: 'phone', subject: phone }],
        phone: { number: phone, verified: true },
        allowSignup: true,
      },
      { ip: input.ip, method: 'sms' },
    );
    if (decision.kind !== 'signed-in') return { ok: false, reason: 'invalid_code' };

    await this.deps.throttle.reset(`phone:${phone}`);
    return { ok: true, accountId: decision.accountId, created: decision.created || undefined };
  }

  private async blocked(phone: string, ip: string): Promise<LoginOutcome | undefined> {
    const verdict = await this.deps.throttle.check([
      { key: `phone:${phone}` },
      { key: `ip:${ip}` },
    ]);
    if (verdict.allowed) return undefined;
    return { ok: false, reason: 'too_many_attempts', retryAfterSeconds: verdict.retryAfterSeconds };
  }

  private async fail(phone: string, ip: string): Promise<void> {
    await this.deps.throttle.recordFailure(`phone:${phone}`);
    await this.deps.throttle.recordFailure(`ip:${ip}`, IP_ALLOWANCE);
  }

  private async succeed(phone: string, accountId: string, ip: string, method: string) {
    await this.deps.throttle.reset(`phone:${phone}`);
    await this.deps.accounts.touchIdentity('phone', phone);
    await this.deps.audit.write({
      action: 'login.succeeded',
      actorAccountId: accountId,
      subjectAccountId: accountId,
      provider: 'phone',
      ip,
      detail: { method },
    });
  }

  /** Seconds until another code may be sent to this phone from this address; 0 when now. */
  private async codeWait(phone: string, ip: string): Promise<number> {
    const now = Date.now();
    const hourAgo = now - 3_600_000;
    const { resendSeconds, maxPerHour } = this.deps.limits;

    const toPhone = await this.deps.codes.issuedSince('phone', phone, hourAgo);
    const fromIp = await this.deps.codes.issuedSince('sender_ip', ip, hourAgo);

    const waits = [0];
    const lastToPhone = toPhone.at(-1);
    if (lastToPhone !== undefined) waits.push(lastToPhone + resendSeconds * 1000 - now);
    if (toPhone.length >= maxPerHour) waits.push((toPhone[0] ?? now) + 3_600_000 - now);
    if (fromIp.length >= maxPerHour * IP_ALLOWANCE) {
      waits.push((fromIp[0] ?? now) + 3_600_000 - now);
    }
    return Math.max(0, Math.ceil(Math.max(...waits) / 1000));
  }
}
