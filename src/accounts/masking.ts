/**
 * Shows a phone number on a page "enough to recognise, not to use": +86 138****8000. The
 * parent sees which of their numbers a code goes to without the page revealing it whole.
 */
export function maskPhoneForDisplay(e164: string): string {
  const cn = e164.match(/^\+86(\d{3})\d{4}(\d{4})$/);
  if (cn) return `+86 ${cn[1]}****${cn[2]}`;
  if (e164.length < 8) return '****';
  return `${e164.slice(0, 4)}****${e164.slice(-4)}`;
}

/** Masks an upstream account id (an openid, an E-learning-net user id) for the account page. */
export function maskSubject(subject: string): string {
  if (subject.length <= 6) return `${subject.slice(0, 1)}***`;
  return `${subject.slice(0, 3)}…${subject.slice(-3)}`;
}
