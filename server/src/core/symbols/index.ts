// The symbol core: tables, consistency checks, DWARF symbolization, source index.
export { SymbolTable } from './symbolTable';
export type { SymbolInfo, SymbolHit, SymbolColumns } from './symbolTable';
export { parseSymbolText, loadSymbolFile, symbolTableFromBytes, loadElfSymbols, SymbolTableError } from './loaders';
export { checkFramesAgainstTable, estimateSlide, parseProcModules, moduleSymbolAnchors, moduleForAddress } from './consistency';
export type { ConsistencyReport, FrameMismatch, SlideEstimate } from './consistency';
export { Symbolizer, detectSymbolizer, applyPathMap, parsePathMapRule, formatLocation } from './symbolizer';
export type { SourceLocation, InlineChain, PathMapRule, SymbolizerOptions, SymbolizerTool } from './symbolizer';
export { SourceIndex, scanDefinitions } from './sourceIndex';
export type { Definition } from './sourceIndex';
export { registersInCode } from './registerSymbols';
export type { RegisterSymbol } from './registerSymbols';
export { FrameResolver } from './frameResolver';
export type { ResolvedFrame, ResolverSources } from './frameResolver';
export { findFiles } from './fileWalk';
