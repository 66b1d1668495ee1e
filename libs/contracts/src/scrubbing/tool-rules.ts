/** A password option of one program: where the program is named, `$1` is kept and the rest hidden. */
export interface ToolRule {
  /** the program appears in the command line (case-sensitive: options are) */
  tool: RegExp;
  /** `$1` is what stays; the match after it is the secret */
  secret: RegExp;
}

/** A cheap first test: a command line without any of these programs skips TOOL_RULES. */
export const MENTIONS_TOOL = /mysql|mariadb|curl|sshpass/;

const QUOTED_OR_WORD = `"[^"]*"\\S*|'[^']*'\\S*|\\S+`;

export const TOOL_RULES: readonly ToolRule[] = [
  // mysql -pSECRET (glued; a lone `-p` prompts for it). mysqldump, mysqladmin, mariadb… alike.
  {
    tool: /(?:^|[\s/'"])(?:mysql|mariadb)[\w-]*(?=[\s'"]|$)/,
    secret: new RegExp(`((?<=\\s)-p)(?:${QUOTED_OR_WORD})`, 'g'),
  },
  // curl -u user:SECRET / --user=user:SECRET (without `:` curl prompts).
  {
    tool: /(?:^|[\s/'"])curl(?=[\s'"]|$)/,
    secret: new RegExp(`((?<=\\s)(?:-u|--user)(?:[ \\t]+|=)['"]?[^\\s:'"]*:)(?:${QUOTED_OR_WORD})`, 'g'),
  },
  // sshpass -p SECRET / -pSECRET.
  {
    tool: /(?:^|[\s/'"])sshpass(?=[\s'"]|$)/,
    secret: new RegExp(`((?<=\\s)-p[ \\t]*)(?:${QUOTED_OR_WORD})`, 'g'),
  },
];
