/** Deposits' daily work: flag refunds still held after their last day (预警). */
export const DEPOSITS_QUEUE = 'deposits';
export const DEPOSIT_REFUNDS_SCHEDULER_ID = 'deposit-refunds-overdue';
/** 08:30 every day in CENTRE_TZ: before the centre's working day starts. */
export const DEPOSIT_REFUNDS_SCHEDULE_PATTERN = '30 8 * * *';
export const DEPOSIT_REFUNDS_JOB = 'refunds-overdue';
