import type { Knex } from '../db/knex.js';
import { type Logger, maskPhone } from '../log.js';

/** Sends a text message. A real SMS gateway is one more implementation of this. */
export interface SmsSender {
  send(message: { phone: string; body: string; code: string }): Promise<void>;
}

/**
 * The development sender: nothing leaves the machine. The message goes to the `sms_outbox`
 * table and the code to the log, so a developer can finish an SMS login by hand.
 */
export class OutboxSmsSender implements SmsSender {
  constructor(
    private readonly knex: Knex,
    private readonly log: Logger,
  ) {}

  async send(message: { phone: string; body: string; code: string }) {
    await this.knex('sms_outbox').insert({
      phone: message.phone,
      body: message.body,
      created_at: Date.now(),
    });
    this.log.warn(
      { to: maskPhone(message.phone), devSmsCode: message.code },
      'sms.outbox_only (no SMS gateway configured; the code is logged for development)',
    );
  }
}
