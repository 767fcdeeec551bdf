import { uniquePullRequests } from './pullRequests';

describe('uniquePullRequests', () => {
  it('lists each pull request once, in the order of its first commit', () => {
    const pr = (number: number) => ({
      number,
      title: `#${number}`,
      labels: [],
    });
    expect(
      uniquePullRequests([
        { sha: 'a', pullRequest: pr(2) },
        { sha: 'b' },
        { sha: 'c', pullRequest: pr(1) },
        { sha: 'd', pullRequest: { ...pr(2), title: 'later' } },
      ]),
    ).toEqual([pr(2), pr(1)]);
    expect(uniquePullRequests([])).toEqual([]);
  });
});
