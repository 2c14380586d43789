// d3-hexjson ships no type declarations; these are the two functions the heat map page uses.
declare module 'd3-hexjson' {
  export interface RenderedHex {
    key: string;
    x: number;
    y: number;
    points: string;
  }
  export interface Segment {
    x1: number;
    y1: number;
    x2: number;
    y2: number;
  }
  export interface HexJsonInput {
    layout: 'odd-r' | 'even-r' | 'odd-q' | 'even-q';
    hexes: Record<string, { q: number; r: number } & Record<string, unknown>>;
  }
  export function renderHexJSON(hexjson: HexJsonInput, width: number, height: number): RenderedHex[];
  export function getBoundarySegmentsForHexJSON(hexjson: HexJsonInput, width: number, height: number, field: string): Segment[];
}
