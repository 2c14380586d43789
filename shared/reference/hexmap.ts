// The council hex cartogram for the heat map page. Derived from the Open Innovations (ODI Leeds) hexmaps,
// MIT licence, "Copyright (c) 2017- Open Innovations", recoded to 2023 councils.
import hexmap from './councils-hexmap.json' with { type: 'json' };

export const COUNCILS_HEXMAP: unknown = hexmap;
