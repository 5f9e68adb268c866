/** How to reach a language model that writes openers; the API key is sealed when stored. */
export type LlmProviderSettings =
  | {
      kind: 'openai-compatible';
      baseUrl: string;
      model: string;
      apiKey: string | null;
      timeoutMs: number;
      temperature: number | null;
      maxOutputTokens: number;
      structuredOutputs: boolean;
    }
  | {
      kind: 'anthropic';
      baseUrl: string | null;
      model: string;
      apiKey: string;
      timeoutMs: number;
      temperature: number | null;
      maxOutputTokens: number;
    };
