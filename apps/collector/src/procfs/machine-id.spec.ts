import { sanitizeMachineId } from './machine-id';

describe('sanitizeMachineId', () => {
  it.each([
    ['web-01.eu.example.com', 'web-01.eu.example.com'],
    ['Bob’s MacBook Pro', 'Bob-s-MacBook-Pro'],
    ['host_1:a', 'host_1:a'],
    ['', 'unknown-host'],
    ['x'.repeat(300), 'x'.repeat(128)],
  ])('%j → %j', (name, id) => {
    expect(sanitizeMachineId(name)).toBe(id);
  });
});
