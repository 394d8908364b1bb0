// Workers log every state change at INFO; in tests only warnings and errors are worth reading.
import { DefaultLogger, Runtime } from '@temporalio/worker';

Runtime.install({ logger: new DefaultLogger('WARN') });
