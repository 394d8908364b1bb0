// Loads @nestjs/throttler, a CommonJS package that require()s the ES-module-only Nest 12, before a
// test's own imports. Jest's module loader (not Node's, which has no such limit) builds a test file's
// ES module graph before evaluating it, and a CommonJS package met in that graph is run at once: its
// require() of a Nest module the same graph is still building fails as "a cycle". Loaded here on its
// own, the require() finds nothing in progress, and the test's graph finds everything evaluated.
import '@nestjs/throttler';
