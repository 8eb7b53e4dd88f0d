import type { AttendanceStatus } from './attendance-file.js';
import { memoByText } from './memo.js';

// The words attendance systems and staff use. Anything else is refused rather than guessed,
// because a wrong status would earn or cost a parent points.
const STATUS_WORDS: Record<string, AttendanceStatus> = {
  present: 'present',
  attended: 'present',
  出勤: 'present',
  到课: 'present',
  已签到: 'present',
  签到: 'present',
  已到: 'present',
  出席: 'present',
  正常: 'present',
  late: 'late',
  迟到: 'late',
  absent: 'absent',
  缺勤: 'absent',
  未到: 'absent',
  缺席: 'absent',
  未签到: 'absent',
  旷课: 'absent',
  excused: 'excused',
  leave: 'excused',
  请假: 'excused',
  病假: 'excused',
  事假: 'excused',
};

export const parseStatus = memoByText((text: string): AttendanceStatus | null => {
  const word = text.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
  return STATUS_WORDS[word] ?? null;
});

/** The accepted words, for the message of an unknown status. */
export const STATUS_HELP =
  '出勤/到课/已签到 (present), 迟到 (late), 缺勤/未到 (absent), 请假 (excused)';
