export * from './report-builder.js';
export * from './reports.service.js';
export * from './deal-import.service.js';
export * from './exports/csv.js';
export * from './exports/xlsx.js';
export * from './exports/pdf.js';
export * from './build-slots.js';
export * from './exports/deal-list.js';
