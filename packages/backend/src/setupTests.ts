// Tests here start databases, Git processes and HTTP servers: on a busy CI machine a test that takes
// half a second alone can take tens of seconds, so the default five-second limit is raised for all.
jest.setTimeout(60_000);
