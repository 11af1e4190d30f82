// The module an engine process runs: the trainer's train() behind the engine protocol.
import { train } from '../train.ts';
import { serveEngine } from './serve-engine.ts';

serveEngine(train);
