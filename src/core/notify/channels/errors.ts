/** A send that failed: `transient` is retried with back-off; `permanent` and `gone` are not. */
export class ChannelError extends Error {
  constructor(
    message: string,
    readonly kind: 'transient' | 'permanent' | 'gone',
  ) {
    super(message);
  }
}
