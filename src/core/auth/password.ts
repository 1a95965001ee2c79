// Password hashing with argon2id (the `argon2` package, native, prebuilt for Linux).
import argon2 from 'argon2';

/** OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. */
export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password.normalize('NFC'), ARGON2_OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password.normalize('NFC'));
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;
/** Spends the same time as a real verification when no account matched, so timing tells nothing. */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword('sotay-dummy-password-for-timing');
  await verifyPassword(await dummyHash, password);
  return false;
}

/** Returns a Vietnamese reason the password is too weak, or null. */
export function passwordProblem(password: string, context: { phone?: string | null; cardNumber?: string | null } = {}): string | null {
  if (password.length < 8) return 'Mật khẩu phải có ít nhất 8 ký tự.';
  if (password.length > 200) return 'Mật khẩu dài quá 200 ký tự.';
  if (/^(.)\1+$/.test(password)) return 'Mật khẩu không được chỉ gồm một ký tự lặp lại.';
  if (/^(0123456789|12345678|123456789|87654321|matkhau|password)/i.test(password)) return 'Mật khẩu quá dễ đoán.';
  if (context.phone && password.includes(context.phone)) return 'Mật khẩu không được chứa số điện thoại.';
  if (context.cardNumber && password.includes(context.cardNumber)) return 'Mật khẩu không được chứa số thẻ đảng viên.';
  return null;
}

/** A temporary password a secretary can read out: 10 characters without look-alikes. */
export function temporaryPassword(random: (n: number) => Buffer): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const bytes = random(10);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}
