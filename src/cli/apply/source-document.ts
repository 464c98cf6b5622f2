// One document read from an apply source (a file, one of several YAML documents, or stdin), and where it came from.

export interface DocumentOrigin {
  readonly file: string;
  /** 1-based index of the document in its file; absent when the problem is with the file itself. */
  readonly document?: number;
}

export interface SourceDocument {
  readonly origin: DocumentOrigin;
  readonly value: unknown;
}
