// What each reason a file or folder was left out means, in words (the dataset scans' and the
// Classify walk's reasons are the same set).

/** Reason key -> its words. */
export const REASONS: Record<string, string> = {
  empty: 'empty or whitespace only',
  'nul-byte': 'contains NUL bytes (binary)',
  'not-utf8': 'not valid UTF-8',
  unreadable: 'could not be read',
  'unreadable-folder': 'folder could not be listed',
  'symlink-loop': 'symbolic link loop',
  'symlink-repeat': 'link to a folder read under another path',
  'not-regular': 'not a regular file',
  'outside-class-folder': 'not inside a class folder',
  binary: 'binary file',
  oversize: 'larger than the size cap',
  vendored: 'vendored code',
  generated: 'generated code',
  minified: 'minified code',
  gitignored: "ignored by .gitignore",
  'ambiguous-extension': 'extension means several languages',
  'other-language': 'content is another language than the extension says (a Qt .ts translation is XML, a YAML file written as JSON)',
  'no-code': 'nothing but comments (a licence header alone), or XML without an element',
  'unknown-language': 'no language for this file name',
  'class-too-small': 'language has too few files',
  'class-not-kept': 'language not among those kept',
};
