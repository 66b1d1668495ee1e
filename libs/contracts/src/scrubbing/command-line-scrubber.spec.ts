import { createCommandLineScrubber } from './command-line-scrubber';
import { DEFAULT_SENSITIVE_WORDS, SCRUBBED_VALUE } from './scrubbing.constants';
import { isValidSensitiveWord } from './word-pattern';

// Datadog's test words (pkg/process/procutil/data_scrubber_test.go, setupDataScrubber and
// setupDataScrubberWildCard), so its cases below run unchanged.
const DATADOG_CUSTOM = ['consul_token', 'dd_password', 'blocked_from_yaml', 'config', 'pid'];
const DATADOG_WILDCARDS = ['*befpass', 'afterpass*', '*both*', 'mi*le', '*pass*d*', '*path*'];

const withCustom = createCommandLineScrubber({ extraWords: DATADOG_CUSTOM });
const withWildcards = createCommandLineScrubber({ extraWords: DATADOG_WILDCARDS });
const scrub = createCommandLineScrubber();

// Datadog's cases, argv joined by spaces as its ScrubCommand does (each line: input, expected).
const DATADOG_SENSITIVE: [string, string][] = [
  ['process --password="Data Source another_password=12345"', 'process --password=********'],
  ['process --password="Data Source"', 'process --password=********'],
  ["process --password:'Data Source another_pass=12345'", 'process --password:********'],
  ['agent password -token 1234', 'agent password ******** 1234'],
  ['agent -password 1234', 'agent -password ********'],
  ['agent --password > /password/secret; agent --password echo >> /etc', 'agent --password ******** /password/secret; agent --password ******** >> /etc'],
  ['agent --password > /password/secret; ls', 'agent --password ******** /password/secret; ls'],
  ['agent -password=========123', 'agent -password=********'],
  ['agent -password:123', 'agent -password:********'],
  ['agent password/test:123', 'agent password/test:********'],
  ['agent -password////:123', 'agent -password////:********'],
  ['agent -password -password', 'agent -password ********'],
  ['agent --password 1234', 'agent --password ********'],
  ['agent -password=1234', 'agent -password=********'],
  ['agent --password=1234', 'agent --password=********'],
  ['fitz -consul_token=1234567890', 'fitz -consul_token=********'],
  ['fitz --consul_token 1234567890', 'fitz --consul_token ********'],
  ['fitz -dd_password 1234567890', 'fitz -dd_password ********'],
  ['fitz dd_password 1234567890', 'fitz dd_password ********'],
  [
    'python ~/test/run.py --password=1234 -password 1234 -open_pword=admin -consul_token 2345 -blocked_from_yaml=1234 &',
    'python ~/test/run.py --password=******** -password ******** -open_pword=admin -consul_token ******** -blocked_from_yaml=******** &',
  ],
  ['agent -PASSWORD 1234', 'agent -PASSWORD ********'],
  ['agent --PASSword 1234', 'agent --PASSword ********'],
  ['agent --PaSsWoRd=1234', 'agent --PaSsWoRd=********'],
  ['java -password      1234', 'java -password      ********'],
  ['process-agent --config=datadog.yaml --pid=process-agent.pid', 'process-agent --config=******** --pid=********'],
  ['1-password --config=12345', '1-password --config=********'],
  ['java kafka password 1234', 'java kafka password ********'],
  ['agent password:1234', 'agent password:********'],
  ['p1 --openpassword=admin', 'p1 --openpassword=********'],
  ['p1 -openpassword admin', 'p1 -openpassword ********'],
  ['java -open_password 1234', 'java -open_password ********'],
  ['java -passwordOpen 1234', 'java -passwordOpen ********'],
  ['java -password_1 1234', 'java -password_1 ********'],
  ['java -1password 1234', 'java -1password ********'],
  ['agent 1_password:1234', 'agent 1_password:********'],
];

const DATADOG_INSENSITIVE = [
  'agent -password/123',
  '/usr/local/bin/bash -c cat /etc/vaultd/secrets/haproxy-crt.pem > /etc/vaultd/secrets/haproxy.pem; echo >> /etc/vaultd/secrets/haproxy.pem',
  ':usr:local:bin:bash -c cat :etc:vaultd:secrets:haproxy-crt.pem > :etc:vaultd:secrets:haproxy.pem',
  'spidly --debug_port=2043',
  'agent start -p config.cfg',
  'p1 -user=admin',
  'p1 -user admin',
  'java -xMg 1234',
  'java -open_pword 1234',
  'java -pwordOpen 1234',
  'agent 1_pword:1234',
];

const DATADOG_WILDCARD_CASES: [string, string][] = [
  ['spidly --befpass=2043 onebefpass 1234 --befpassCustom=1234', 'spidly --befpass=******** onebefpass ******** --befpassCustom=1234'],
  ['spidly   --befpass=2043   onebefpass   1234   --befpassCustom=1234', 'spidly   --befpass=********   onebefpass   ********   --befpassCustom=1234'],
  ['spidly --afterpass=2043 afterpass_1 1234 --befafterpass_1=1234', 'spidly --afterpass=******** afterpass_1 ******** --befafterpass_1=1234'],
  ['spidly both 1234 -dd_both 1234 bothafter 1234 --dd_bothafter=1234', 'spidly both ******** -dd_both ******** bothafter ******** --dd_bothafter=********'],
  ['spidly middle 1234 -mile 1234 --mill=1234', 'spidly middle ******** -mile ******** --mill=1234'],
  [
    'spidly --passwd=1234 password 1234 -mypassword 1234 --passwords=12345,123456 --mypasswords=1234,123456',
    'spidly --passwd=******** password ******** -mypassword ******** --passwords=******** --mypasswords=********',
  ],
  ['run-middle password 12345', 'run-middle password ********'],
  ['generate-password -password 12345', 'generate-password -password ********'],
  ['generate-password --password=12345', 'generate-password --password=********'],
  [
    'java /var/lib/datastax-agent/conf/address.yaml -Dopscenter.ssl.keyStorePassword=opscenter -Dagent-pidfile=/var/run/datastax-agent/datastax-agent.pid --anotherpassword=1234',
    'java /var/lib/datastax-agent/conf/address.yaml -Dopscenter.ssl.keyStorePassword=******** -Dagent-pidfile=/var/run/datastax-agent/datastax-agent.pid --anotherpassword=********',
  ],
  [
    '/usr/bin/java -Des.path.home=/usr/local/elasticsearch-1.7.6 -cp $ES_CLASSPATH:$ES_HOME/lib/*:/usr/local/elasticsearch-1.7.6/lib/* org.elasticsearch.bootstrap.Elasticsearch',
    '/usr/bin/java -Des.path.home=******** -cp $ES_CLASSPATH:$ES_HOME/lib/*:/usr/local/elasticsearch-1.7.6/lib/* org.elasticsearch.bootstrap.Elasticsearch',
  ],
  ['process ‑XXpath:/secret/', 'process ‑XXpath:********'],
];

// Ours: environment assignments, URLs, HTTP credentials, tools, `token`, separators.
const OURS: [string, string][] = [
  ['PASSWORD=x ./job', 'PASSWORD=******** ./job'],
  ['MYSQL_PWD=hunter2 mysql -u root', 'MYSQL_PWD=******** mysql -u root'],
  ['env AWS_ACCESS_KEY_ID=AKIAXX AWS_SECRET_ACCESS_KEY=ab/c+d= ./job --region eu', 'env AWS_ACCESS_KEY_ID=AKIAXX AWS_SECRET_ACCESS_KEY=******** ./job --region eu'],
  ['GITHUB_TOKEN=ghp_1 gh pr list', 'GITHUB_TOKEN=******** gh pr list'],
  ['password-gen --length 12', 'password-gen --length 12'],
  ['psql postgres://app:s3cr3t@db.local:5432/pa', 'psql postgres://app:********@db.local:5432/pa'],
  ['psql "postgresql://app:p@ss@db/pa?sslmode=verify-full"', 'psql "postgresql://app:********@db/pa?sslmode=verify-full"'],
  ['git clone https://bot:ghp_abc@github.com/o/r.git', 'git clone https://bot:********@github.com/o/r.git'],
  ['redis-cli -u redis://:pw@127.0.0.1:6379/0', 'redis-cli -u redis://:********@127.0.0.1:6379/0'],
  ['curl http://example.com:8080/a@b', 'curl http://example.com:8080/a@b'],
  ['curl https://example.com/path?x=1', 'curl https://example.com/path?x=1'],
  ['curl -H "Authorization: Bearer eyJ.abc.def" https://api', 'curl -H "Authorization: Bearer ********" https://api'],
  ["curl -H 'authorization: Basic dXNlcjpwdw==' https://api", "curl -H 'authorization: Basic ********' https://api"],
  ['curl -H "X-Api-Key: abc123" https://api', 'curl -H "X-Api-Key: ********" https://api'],
  ['curl -u admin:hunter2 https://api', 'curl -u admin:******** https://api'],
  ['curl --user=admin:hunter2 https://api', 'curl --user=admin:******** https://api'],
  ['curl -u admin https://api', 'curl -u admin https://api'],
  ['mysql -uroot -phunter2 -h db -P 3306 shop', 'mysql -uroot -p******** -h db -P 3306 shop'],
  ['mysqldump -p"a b" shop', 'mysqldump -p******** shop'],
  ['mysql -p -h db', 'mysql -p -h db'],
  ['tar -pxf x.tar', 'tar -pxf x.tar'],
  ['sshpass -p s3cr ssh host', 'sshpass -p ******** ssh host'],
  ['java -Djavax.net.ssl.keyStorePassword=changeit -jar app.jar', 'java -Djavax.net.ssl.keyStorePassword=******** -jar app.jar'],
  ['tool --api-key abc --verbose', 'tool --api-key ******** --verbose'],
  ['tool --access-token=abc', 'tool --access-token=********'],
  ['vault login -method=token token=s.abc', 'vault login -method=token token=********'],
  ['app --client-secret "with space" --port 80', 'app --client-secret ******** --port 80'],
  ['app --token Bearer abc', 'app --token ********'],
  ['sh -c "PGPASSWORD=pw psql -h db"', 'sh -c "PGPASSWORD=******** psql -h db"'],
];

const EDGES: [string, string][] = [
  ['', ''],
  ['app --password=', 'app --password=********'],
  ['app --password= --port 80', 'app --password=******** --port 80'],
  ['app --password=a=b=c --port 80', 'app --password=******** --port 80'],
  ['app --secret=ünïcødé→密码 --name=日本', 'app --secret=******** --name=日本'],
  ['app --名前=x --password 😀😀', 'app --名前=x --password ********'],
  ['app\t--password\tx', 'app\t--password\t********'],
  ['app --password="unclosed rest', 'app --password=******** rest'],
  ['app --password=********', 'app --password=********'],
  // Found by the property test below: a scheme's credential once stopped at a quote, which the second pass then took.
  ['app password-gen Bearer db" --region x', 'app password-gen ******** --region x'],
];

describe('createCommandLineScrubber', () => {
  it.each(DATADOG_SENSITIVE)('scrubs Datadog case %s', (input, expected) => {
    expect(withCustom(input)).toBe(expected);
  });

  it.each(DATADOG_INSENSITIVE)('keeps Datadog case %s', (input) => {
    expect(withCustom(input)).toBe(input);
  });

  it.each(DATADOG_WILDCARD_CASES)('applies custom wildcards as Datadog: %s', (input, expected) => {
    expect(withWildcards(input)).toBe(expected);
  });

  it.each(OURS)('scrubs %s', (input, expected) => {
    expect(scrub(input)).toBe(expected);
  });

  it.each(EDGES)('handles the edge %j', (input, expected) => {
    expect(scrub(input)).toBe(expected);
  });

  it('changes nothing the second time (idempotent) on every case above', () => {
    const all = [...DATADOG_SENSITIVE, ...DATADOG_WILDCARD_CASES, ...OURS, ...EDGES].map(([i]) => i);
    for (const line of all) {
      const once = withWildcards(scrub(line));
      expect(scrub(withWildcards(once))).toBe(once);
    }
  });

  it('is idempotent on 5,000 seeded random lines made of sensitive and ordinary pieces', () => {
    // A seeded LCG (contracts may not import the testing lib): the same lines on every run.
    let state = 0x5c12b;
    const next = () => (state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
    const pieces = [
      ...[...DATADOG_SENSITIVE, ...OURS, ...EDGES].flatMap(([line]) => line.split(' ')),
      '--password', '-p', 'token', ':', '=', '"', "'", 'Bearer', 'Authorization:', 'x://', '@', 'a@b', 'mysql', 'curl', '-u', 'sshpass', '\t', '密码',
    ];
    const spaces = [' ', ' ', ' ', '  ', '\t', ''];
    for (let i = 0; i < 5_000; i++) {
      const line = Array.from({ length: 1 + Math.floor(next() * 12) }, () => pick(pieces) + pick(spaces)).join('');
      const once = scrub(line);
      expect([line, scrub(once)]).toEqual([line, once]);
    }
  });

  it('scrubs every secret in a 1 MB command line without changing the rest', () => {
    const part = 'worker --shard=7 --password=hunter2 /var/data/file.bin ';
    const line = part.repeat(Math.ceil(1_000_000 / part.length));
    const expected = 'worker --shard=7 --password=******** /var/data/file.bin '.repeat(Math.ceil(1_000_000 / part.length));
    expect(scrub(line)).toBe(expected);
  });

  it('keeps a 1 MB argument without spaces, with or without sensitive-looking text', () => {
    const blob = 'a'.repeat(500_000) + 'password' + 'b'.repeat(500_000);
    expect(scrub(`app ${blob}`)).toBe(`app ${blob}`);
    expect(scrub(`app ${'x/'.repeat(500_000)}`)).toBe(`app ${'x/'.repeat(500_000)}`);
  });

  it('leaves a command line without sensitive words as the same string', () => {
    const line = '/usr/sbin/nginx -g daemon off; -c /etc/nginx/nginx.conf';
    expect(scrub(line)).toBe(line);
  });

  it('refuses invalid custom words, naming them', () => {
    expect(() => createCommandLineScrubber({ extraWords: ['ok_word', 'bad word', '**'] })).toThrow('bad word, **');
  });
});

describe('isValidSensitiveWord', () => {
  it.each(['token', '*pass*', 'mi*le', 'x-api.key_1', ...DEFAULT_SENSITIVE_WORDS])('accepts %s', (w) => {
    expect(isValidSensitiveWord(w)).toBe(true);
  });
  it.each(['', '*', '**', 'a**b', 'a b', '(x', 'a/b', 'a=b'])('refuses %j', (w) => {
    expect(isValidSensitiveWord(w)).toBe(false);
  });
});

describe('SCRUBBED_VALUE', () => {
  it('is eight asterisks, as Datadog writes it', () => {
    expect(SCRUBBED_VALUE).toBe('********');
  });
});
