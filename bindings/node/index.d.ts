export interface Finding { entity: string; start: number; end: number; rule: string; confidence: number }
export interface ScanResult { findings: Finding[]; withheld: number }
export interface TextResult { text: string; findings: Finding[]; withheld: number }
export interface MiddlewareResult {
  allowed: boolean; text: string | null; reason: string | null; counts: Record<string, number>; alerts: string[];
}
export interface Who { role: string; agent?: string; user?: string }
export declare class PhiscrubError extends Error {}
export declare class ServiceError extends PhiscrubError { code: string }
export declare class ServiceClosedError extends PhiscrubError { stderr: string }
export declare function findBinary(): string;
export declare class Client {
  constructor(options?: { binary?: string; args?: string[]; env?: Record<string, string> });
  call(op: string, text?: string | null, options?: Record<string, unknown>): Promise<Record<string, unknown>>;
  scan(text: string, options?: { minConfidence?: number }): Promise<ScanResult>;
  redact(text: string, options?: { minConfidence?: number }): Promise<TextResult>;
  transform(text: string, options?: {
    operator?: string; operators?: Record<string, string>; minConfidence?: number; context?: string;
    subject?: string; maskKeep?: number;
  }): Promise<TextResult>;
  prompt(text: string, options: Who & { provider: string }): Promise<MiddlewareResult>;
  toolCall(text: string, options: Who & { tool: string; region?: string }): Promise<MiddlewareResult>;
  toolOutput(text: string, options: Who & { tool: string }): Promise<MiddlewareResult>;
  memoryWrite(text: string, options: Who & { region: string }): Promise<MiddlewareResult>;
  endSession(options: Who): Promise<void>;
  reveal(text: string, options: Who & { context?: string }): Promise<MiddlewareResult>;
  close(): Promise<number>;
}
