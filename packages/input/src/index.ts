export { EXPECTED, INPUT_COLUMNS } from './columns.js';
export { checkDatasetId, daysInDatasetMonth, monthLabel } from './dataset-id.js';
export { LAYOUTS, inputFileSchema, type Dataset, type DatasetId, type InputFile, type Layout } from './interfaces.js';
export { reportKey } from './layouts.js';
export { findInput, type DatasetInput } from './find-input.js';
export { filesRead, noPodRows, rangeRows, storageFiles, windowRanges, type FileRange } from './window-ranges.js';
