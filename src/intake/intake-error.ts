export type IntakeFileErrorCode =
  | 'file_empty'
  | 'file_format_unknown'
  | 'file_encoding_unsupported'
  | 'file_encoding_mixed'
  | 'file_truncated'
  | 'file_corrupt'
  | 'xlsx_too_large'
  | 'too_many_rows'
  | 'header_not_found'
  | 'missing_columns'
  | 'sheet_not_found'
  | 'csv_malformed';

/**
 * A file refused as a whole. The message (English) and `messageZh` tell the institution's
 * staff what to change in the file; `code` is stable for machines.
 */
export class IntakeFileError extends Error {
  override readonly name = 'IntakeFileError';

  constructor(
    readonly code: IntakeFileErrorCode,
    message: string,
    readonly messageZh: string,
  ) {
    super(message);
  }

  toJSON() {
    return { error: this.code, message: this.message, messageZh: this.messageZh };
  }
}
