/** Object bodies that more than one class of the corpus uses. */
export const BINARY_PNG = '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000a49444154789c63000100000500010d0a2db40000000049454e44ae426082';
export const DATASET_CSV = 'id,label\n1,cat\n2,dog\n3,bird\n';
