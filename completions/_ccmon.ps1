
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'ccmon' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'ccmon'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'ccmon' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--prometheus-url', '--prometheus-url', [CompletionResultType]::ParameterName, 'Prometheus base URL [env: CCMON_PROMETHEUS_URL] [default: http://localhost:9090]')
            [CompletionResult]::new('--alertmanager-url', '--alertmanager-url', [CompletionResultType]::ParameterName, 'Alertmanager base URL; repeat for an HA cluster [env: CCMON_ALERTMANAGER_URL, comma-separated] [default: http://localhost:9093]')
            [CompletionResult]::new('--bearer-token-file', '--bearer-token-file', [CompletionResultType]::ParameterName, 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL: redis://, rediss:// (TLS) or redis+cluster:// [env: REDIS_URL]')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL [env: DATABASE_URL]')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages (ccmon.1 and one page per subcommand)')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Serve health probes and metrics, or run the health checks once')
            [CompletionResult]::new('stream', 'stream', [CompletionResultType]::ParameterValue, 'Supervise agents and record their stream-json events')
            [CompletionResult]::new('query', 'query', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('targets', 'targets', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('alerts', 'alerts', [CompletionResultType]::ParameterValue, 'Alertmanager alerts and silences')
            [CompletionResult]::new('scaffold', 'scaffold', [CompletionResultType]::ParameterValue, '`-o`, on the commands that print results')
            [CompletionResult]::new('context', 'context', [CompletionResultType]::ParameterValue, 'Show and switch contexts of the config file')
            [CompletionResult]::new('rules', 'rules', [CompletionResultType]::ParameterValue, 'Lint Prometheus rule files')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ccmon;completions' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ccmon;man' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ccmon;health' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'PostgreSQL, for the health checks')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'PostgreSQL, for the health checks')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ccmon;health;serve' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on')
            [CompletionResult]::new('--details', '--details', [CompletionResultType]::ParameterName, 'When to include check messages and details in responses (they can leak hostnames)')
            [CompletionResult]::new('--details-token-file', '--details-token-file', [CompletionResultType]::ParameterName, 'File holding the bearer token that unlocks details with `--details token`')
            [CompletionResult]::new('--drain-timeout', '--drain-timeout', [CompletionResultType]::ParameterName, 'Longest time to finish in-flight requests after SIGTERM')
            [CompletionResult]::new('--shutdown-delay', '--shutdown-delay', [CompletionResultType]::ParameterName, 'After SIGTERM, keep accepting and answer readiness with 503 this long before the drain, so load balancers and the kubelet see the pod leave (e.g. 5s on Kubernetes)')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Most concurrent connections; at the limit a new connection replaces the one waiting longest for its request headers, so slow clients cannot starve probes')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL: redis://, rediss:// (TLS) or redis+cluster:// [env: REDIS_URL]')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL [env: DATABASE_URL]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ccmon;health;check' {
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Lowest status that makes the command fail')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL: redis://, rediss:// (TLS) or redis+cluster:// [env: REDIS_URL]')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL [env: DATABASE_URL]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ccmon;health;help' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'PostgreSQL, for the health checks')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'PostgreSQL, for the health checks')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ccmon;health;help;serve' {
            break
        }
        'ccmon;health;help;check' {
            break
        }
        'ccmon;health;help;help' {
            break
        }
        'ccmon;stream' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Redis, for `stream` and the health server''s fleet view and checks')
            [CompletionResult]::new('ingest', 'ingest', [CompletionResultType]::ParameterValue, 'Redis, for `stream` and the health server''s fleet view and checks')
            [CompletionResult]::new('tail', 'tail', [CompletionResultType]::ParameterValue, 'Redis, for `stream` and the health server''s fleet view and checks')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'Redis, for `stream` and the health server''s fleet view and checks')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Redis, for `stream` and the health server''s fleet view and checks')
            [CompletionResult]::new('flush', 'flush', [CompletionResultType]::ParameterValue, 'Redis, for `stream` and the health server''s fleet view and checks')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ccmon;stream;watch' {
            [CompletionResult]::new('--agent-id', '--agent-id', [CompletionResultType]::ParameterName, 'Agent id (default: the session id of the stream''s system/init event, else generated)')
            [CompletionResult]::new('--maxlen', '--maxlen', [CompletionResultType]::ParameterName, 'Approximate maximum entries kept per agent stream (XADD MAXLEN ~ N); 0 keeps every entry')
            [CompletionResult]::new('--max-line', '--max-line', [CompletionResultType]::ParameterName, 'Longest line parsed and held whole (e.g. 4MiB, 32MiB); a longer line is recorded as consecutive raw chunks of this size. Memory stays within a few times this, whatever the input')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'Expiry of an agent''s keys, refreshed on every write; 0 keeps them forever')
            [CompletionResult]::new('--spool-dir', '--spool-dir', [CompletionResultType]::ParameterName, 'Spool directory [default: $XDG_STATE_HOME/ccmon/spool]')
            [CompletionResult]::new('--redis-timeout', '--redis-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one Redis round trip before events go to the spool')
            [CompletionResult]::new('--spool-max', '--spool-max', [CompletionResultType]::ParameterName, 'With Redis, most bytes the spool may hold undelivered (e.g. 512MiB, 2GiB); past it the agent is slowed down (its output waits) until Redis takes events again')
            [CompletionResult]::new('--spool-keep', '--spool-keep', [CompletionResultType]::ParameterName, 'With Redis, delivered bytes of the running session kept in the spool (at least this, at most twice this plus one batch), which a Redis restarted without its data gets again; the older delivered part is freed, so a session of any length needs bounded disk')
            [CompletionResult]::new('--display', '--display', [CompletionResultType]::ParameterName, 'How to show the child''s stdout: raw bytes, or a live summary [default: pretty on a TTY, raw otherwise]')
            [CompletionResult]::new('--metrics-listen', '--metrics-listen', [CompletionResultType]::ParameterName, 'Serve the live metrics of this agent on ADDR while it runs')
            [CompletionResult]::new('--on-stuck', '--on-stuck', [CompletionResultType]::ParameterName, 'What to do when the agent is stuck: warn, interrupt (SIGINT), kill, or exec CMD')
            [CompletionResult]::new('--stuck-floor', '--stuck-floor', [CompletionResultType]::ParameterName, 'Never call an agent stuck before this much silence')
            [CompletionResult]::new('--stuck-multiplier', '--stuck-multiplier', [CompletionResultType]::ParameterName, 'Stuck when silent for this multiple of the recent gaps between events')
            [CompletionResult]::new('--tool-timeout', '--tool-timeout', [CompletionResultType]::ParameterName, 'Silence allowed while a tool call is open (no tool_progress)')
            [CompletionResult]::new('--repeated-tool-calls', '--repeated-tool-calls', [CompletionResultType]::ParameterName, 'Same tool with the same input this many times in a row is a loop')
            [CompletionResult]::new('--consecutive-tools', '--consecutive-tools', [CompletionResultType]::ParameterName, 'Same tool name this many times in a row is a loop')
            [CompletionResult]::new('--consecutive-thinking', '--consecutive-thinking', [CompletionResultType]::ParameterName, 'This many thinking blocks with no text or tool call is a loop')
            [CompletionResult]::new('--api-retry-storm', '--api-retry-storm', [CompletionResultType]::ParameterName, 'This many API retries with no answer in between is a retry storm (0 turns it off)')
            [CompletionResult]::new('--result-exit-timeout', '--result-exit-timeout', [CompletionResultType]::ParameterName, 'Stuck (no_exit_after_result) when the agent cannot get more input (`-p` without `--input-format stream-json`, or stdin at its end) and has not exited this long after its result; 0s turns the check off')
            [CompletionResult]::new('--kill-grace', '--kill-grace', [CompletionResultType]::ParameterName, 'Grace period between SIGTERM and SIGKILL when stopping the child')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL: redis://, rediss:// (TLS) or redis+cluster:// [env: REDIS_URL]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ccmon;stream;ingest' {
            [CompletionResult]::new('--agent-id', '--agent-id', [CompletionResultType]::ParameterName, 'Agent id (default: the session id of the stream''s system/init event, else generated)')
            [CompletionResult]::new('--maxlen', '--maxlen', [CompletionResultType]::ParameterName, 'Approximate maximum entries kept per agent stream (XADD MAXLEN ~ N); 0 keeps every entry')
            [CompletionResult]::new('--max-line', '--max-line', [CompletionResultType]::ParameterName, 'Longest line parsed and held whole (e.g. 4MiB, 32MiB); a longer line is recorded as consecutive raw chunks of this size. Memory stays within a few times this, whatever the input')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'Expiry of an agent''s keys, refreshed on every write; 0 keeps them forever')
            [CompletionResult]::new('--spool-dir', '--spool-dir', [CompletionResultType]::ParameterName, 'Spool directory [default: $XDG_STATE_HOME/ccmon/spool]')
            [CompletionResult]::new('--redis-timeout', '--redis-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one Redis round trip before events go to the spool')
            [CompletionResult]::new('--spool-max', '--spool-max', [CompletionResultType]::ParameterName, 'With Redis, most bytes the spool may hold undelivered (e.g. 512MiB, 2GiB); past it the agent is slowed down (its output waits) until Redis takes events again')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL: redis://, rediss:// (TLS) or redis+cluster:// [env: REDIS_URL]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ccmon;stream;tail' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Number of recent events to show first')
            [CompletionResult]::new('--lines', '--lines', [CompletionResultType]::ParameterName, 'Number of recent events to show first')
            [CompletionResult]::new('--spool-dir', '--spool-dir', [CompletionResultType]::ParameterName, 'Spool directory to read when no Redis is configured')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL: redis://, rediss:// (TLS) or redis+cluster:// [env: REDIS_URL]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep following new events')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep following new events')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ccmon;stream;ls' {
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Only agents in this state')
            [CompletionResult]::new('--spool-dir', '--spool-dir', [CompletionResultType]::ParameterName, 'Spool directory to read when no Redis is configured')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL: redis://, rediss:// (TLS) or redis+cluster:// [env: REDIS_URL]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ccmon;stream;report' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only agents whose last event is at most this long ago, e.g. 24h or 7d [default: every agent]')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'One row per agent, per model, or per UTC day of the agents'' last events (a run that crosses midnight counts whole on the day it last reported)')
            [CompletionResult]::new('--spool-dir', '--spool-dir', [CompletionResultType]::ParameterName, 'Spool directory to read when no Redis is configured')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL: redis://, rediss:// (TLS) or redis+cluster:// [env: REDIS_URL]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ccmon;stream;flush' {
            [CompletionResult]::new('--spool-dir', '--spool-dir', [CompletionResultType]::ParameterName, 'Spool directory [default: $XDG_STATE_HOME/ccmon/spool]')
            [CompletionResult]::new('--redis-timeout', '--redis-timeout', [CompletionResultType]::ParameterName, 'Longest wait for one Redis round trip')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL: redis://, rediss:// (TLS) or redis+cluster:// [env: REDIS_URL]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ccmon;stream;help' {
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Redis, for `stream` and the health server''s fleet view and checks')
            [CompletionResult]::new('ingest', 'ingest', [CompletionResultType]::ParameterValue, 'Redis, for `stream` and the health server''s fleet view and checks')
            [CompletionResult]::new('tail', 'tail', [CompletionResultType]::ParameterValue, 'Redis, for `stream` and the health server''s fleet view and checks')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'Redis, for `stream` and the health server''s fleet view and checks')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Redis, for `stream` and the health server''s fleet view and checks')
            [CompletionResult]::new('flush', 'flush', [CompletionResultType]::ParameterValue, 'Redis, for `stream` and the health server''s fleet view and checks')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ccmon;stream;help;watch' {
            break
        }
        'ccmon;stream;help;ingest' {
            break
        }
        'ccmon;stream;help;tail' {
            break
        }
        'ccmon;stream;help;ls' {
            break
        }
        'ccmon;stream;help;report' {
            break
        }
        'ccmon;stream;help;flush' {
            break
        }
        'ccmon;stream;help;help' {
            break
        }
        'ccmon;query' {
            [CompletionResult]::new('--time', '--time', [CompletionResultType]::ParameterName, 'Evaluation time: RFC 3339, Unix seconds, or relative like -1h [default: now]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--prometheus-url', '--prometheus-url', [CompletionResultType]::ParameterName, 'Prometheus base URL [env: CCMON_PROMETHEUS_URL] [default: http://localhost:9090]')
            [CompletionResult]::new('--bearer-token-file', '--bearer-token-file', [CompletionResultType]::ParameterName, 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('range', 'range', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ccmon;query;range' {
            [CompletionResult]::new('--start', '--start', [CompletionResultType]::ParameterName, 'Start: RFC 3339, Unix seconds, or relative like -1h [default: end - 1h]')
            [CompletionResult]::new('--end', '--end', [CompletionResultType]::ParameterName, 'End: RFC 3339, Unix seconds, or relative [default: now]')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Shorthand for --start -DURATION')
            [CompletionResult]::new('--step', '--step', [CompletionResultType]::ParameterName, 'Resolution step [default: chosen to fit the chart width]')
            [CompletionResult]::new('--width', '--width', [CompletionResultType]::ParameterName, 'Chart width in columns, 40 to 400 [default: the terminal''s width, else $COLUMNS, else 80]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--prometheus-url', '--prometheus-url', [CompletionResultType]::ParameterName, 'Prometheus base URL [env: CCMON_PROMETHEUS_URL] [default: http://localhost:9090]')
            [CompletionResult]::new('--bearer-token-file', '--bearer-token-file', [CompletionResultType]::ParameterName, 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ccmon;query;help' {
            [CompletionResult]::new('range', 'range', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ccmon;query;help;range' {
            break
        }
        'ccmon;query;help;help' {
            break
        }
        'ccmon;targets' {
            [CompletionResult]::new('--job', '--job', [CompletionResultType]::ParameterName, 'Only targets of this job')
            [CompletionResult]::new('--health', '--health', [CompletionResultType]::ParameterName, 'Only targets in this health state')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--prometheus-url', '--prometheus-url', [CompletionResultType]::ParameterName, 'Prometheus base URL [env: CCMON_PROMETHEUS_URL] [default: http://localhost:9090]')
            [CompletionResult]::new('--bearer-token-file', '--bearer-token-file', [CompletionResultType]::ParameterName, 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ccmon;alerts' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('silence', 'silence', [CompletionResultType]::ParameterValue, 'Create, list, expire, extend and import silences')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('routes', 'routes', [CompletionResultType]::ParameterValue, 'Test the routing tree: which receivers an alert with given labels reaches')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ccmon;alerts;ls' {
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Group alerts as Alertmanager routes them, or with --group=LABEL by that label (as the UI does)')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Only alerts routed to receivers matching this regex')
            [CompletionResult]::new('--receiver', '--receiver', [CompletionResultType]::ParameterName, 'Only alerts routed to receivers matching this regex')
            [CompletionResult]::new('--silenced-by', '--silenced-by', [CompletionResultType]::ParameterName, 'Only the alerts this silence mutes now (implies --silenced)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--alertmanager-url', '--alertmanager-url', [CompletionResultType]::ParameterName, 'Alertmanager base URL; repeat for an HA cluster [env: CCMON_ALERTMANAGER_URL, comma-separated] [default: http://localhost:9093]')
            [CompletionResult]::new('--bearer-token-file', '--bearer-token-file', [CompletionResultType]::ParameterName, 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Show active alerts')
            [CompletionResult]::new('--active', '--active', [CompletionResultType]::ParameterName, 'Show active alerts')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Show silenced alerts')
            [CompletionResult]::new('--silenced', '--silenced', [CompletionResultType]::ParameterName, 'Show silenced alerts')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Show inhibited alerts')
            [CompletionResult]::new('--inhibited', '--inhibited', [CompletionResultType]::ParameterName, 'Show inhibited alerts')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Show alerts Alertmanager has not processed yet')
            [CompletionResult]::new('--unprocessed', '--unprocessed', [CompletionResultType]::ParameterName, 'Show alerts Alertmanager has not processed yet')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Merge the alerts of every context of the config file (a CONTEXT column shows where each comes from); `--context a,b` merges the contexts named')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ccmon;alerts;silence' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('expire', 'expire', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('extend', 'extend', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ccmon;alerts;silence;add' {
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'How long the silence lasts, e.g. 2h, 1h30m, 1d')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'How long the silence lasts, e.g. 2h, 1h30m, 1d')
            [CompletionResult]::new('--end', '--end', [CompletionResultType]::ParameterName, 'When the silence ends (RFC 3339)')
            [CompletionResult]::new('--start', '--start', [CompletionResultType]::ParameterName, 'When the silence starts (RFC 3339) [default: now]')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Why the silence exists')
            [CompletionResult]::new('--comment', '--comment', [CompletionResultType]::ParameterName, 'Why the silence exists')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Who creates it [default: the current user]')
            [CompletionResult]::new('--author', '--author', [CompletionResultType]::ParameterName, 'Who creates it [default: the current user]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--alertmanager-url', '--alertmanager-url', [CompletionResultType]::ParameterName, 'Alertmanager base URL; repeat for an HA cluster [env: CCMON_ALERTMANAGER_URL, comma-separated] [default: http://localhost:9093]')
            [CompletionResult]::new('--bearer-token-file', '--bearer-token-file', [CompletionResultType]::ParameterName, 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Allow a silence that matches every alert')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the alerts the silence would mute now (as `alerts ls`) and create nothing')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ccmon;alerts;silence;ls' {
            [CompletionResult]::new('--within', '--within', [CompletionResultType]::ParameterName, 'Only silences ending within D (or, with --expired, that ended within the last D)')
            [CompletionResult]::new('--created-by', '--created-by', [CompletionResultType]::ParameterName, 'Only silences created by this author')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--alertmanager-url', '--alertmanager-url', [CompletionResultType]::ParameterName, 'Alertmanager base URL; repeat for an HA cluster [env: CCMON_ALERTMANAGER_URL, comma-separated] [default: http://localhost:9093]')
            [CompletionResult]::new('--bearer-token-file', '--bearer-token-file', [CompletionResultType]::ParameterName, 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('--expired', '--expired', [CompletionResultType]::ParameterName, 'Show expired silences instead of active and pending ones')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Merge the silences of every context of the config file (a CONTEXT column shows where each comes from); `--context a,b` merges the contexts named')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ccmon;alerts;silence;expire' {
            [CompletionResult]::new('--matching', '--matching', [CompletionResultType]::ParameterName, 'Expire every active or pending silence that has these matchers (as `silence ls` selects them); shows them and asks first on a terminal')
            [CompletionResult]::new('--alertmanager-url', '--alertmanager-url', [CompletionResultType]::ParameterName, 'Alertmanager base URL; repeat for an HA cluster [env: CCMON_ALERTMANAGER_URL, comma-separated] [default: http://localhost:9093]')
            [CompletionResult]::new('--bearer-token-file', '--bearer-token-file', [CompletionResultType]::ParameterName, 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ccmon;alerts;silence;extend' {
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'How much longer each silence lasts')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'How much longer each silence lasts')
            [CompletionResult]::new('--alertmanager-url', '--alertmanager-url', [CompletionResultType]::ParameterName, 'Alertmanager base URL; repeat for an HA cluster [env: CCMON_ALERTMANAGER_URL, comma-separated] [default: http://localhost:9093]')
            [CompletionResult]::new('--bearer-token-file', '--bearer-token-file', [CompletionResultType]::ParameterName, 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ccmon;alerts;silence;import' {
            [CompletionResult]::new('--alertmanager-url', '--alertmanager-url', [CompletionResultType]::ParameterName, 'Alertmanager base URL; repeat for an HA cluster [env: CCMON_ALERTMANAGER_URL, comma-separated] [default: http://localhost:9093]')
            [CompletionResult]::new('--bearer-token-file', '--bearer-token-file', [CompletionResultType]::ParameterName, 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Create new silences even if the IDs exist, and import silences that match every alert (refused otherwise, as by `silence add`); entries identical to an active or pending silence are skipped either way')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ccmon;alerts;silence;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('expire', 'expire', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('extend', 'extend', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ccmon;alerts;silence;help;add' {
            break
        }
        'ccmon;alerts;silence;help;ls' {
            break
        }
        'ccmon;alerts;silence;help;expire' {
            break
        }
        'ccmon;alerts;silence;help;extend' {
            break
        }
        'ccmon;alerts;silence;help;import' {
            break
        }
        'ccmon;alerts;silence;help;help' {
            break
        }
        'ccmon;alerts;status' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--alertmanager-url', '--alertmanager-url', [CompletionResultType]::ParameterName, 'Alertmanager base URL; repeat for an HA cluster [env: CCMON_ALERTMANAGER_URL, comma-separated] [default: http://localhost:9093]')
            [CompletionResult]::new('--bearer-token-file', '--bearer-token-file', [CompletionResultType]::ParameterName, 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ccmon;alerts;routes' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ccmon;alerts;routes;test' {
            [CompletionResult]::new('--config-file', '--config-file', [CompletionResultType]::ParameterName, 'Read the routing tree from this Alertmanager config file instead of the live Alertmanager')
            [CompletionResult]::new('--verify-receivers', '--verify-receivers', [CompletionResultType]::ParameterName, 'Exit 1 unless the receivers are exactly these, in order (as amtool''s --verify.receivers)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--alertmanager-url', '--alertmanager-url', [CompletionResultType]::ParameterName, 'Alertmanager base URL; repeat for an HA cluster [env: CCMON_ALERTMANAGER_URL, comma-separated] [default: http://localhost:9093]')
            [CompletionResult]::new('--bearer-token-file', '--bearer-token-file', [CompletionResultType]::ParameterName, 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('--tree', '--tree', [CompletionResultType]::ParameterName, 'Also show the routing tree, each route marked receives, matches, no match or not tried')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ccmon;alerts;routes;help' {
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ccmon;alerts;routes;help;test' {
            break
        }
        'ccmon;alerts;routes;help;help' {
            break
        }
        'ccmon;alerts;help' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('silence', 'silence', [CompletionResultType]::ParameterValue, 'Create, list, expire, extend and import silences')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('routes', 'routes', [CompletionResultType]::ParameterValue, 'Test the routing tree: which receivers an alert with given labels reaches')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ccmon;alerts;help;ls' {
            break
        }
        'ccmon;alerts;help;silence' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('expire', 'expire', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('extend', 'extend', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            break
        }
        'ccmon;alerts;help;silence;add' {
            break
        }
        'ccmon;alerts;help;silence;ls' {
            break
        }
        'ccmon;alerts;help;silence;expire' {
            break
        }
        'ccmon;alerts;help;silence;extend' {
            break
        }
        'ccmon;alerts;help;silence;import' {
            break
        }
        'ccmon;alerts;help;status' {
            break
        }
        'ccmon;alerts;help;routes' {
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            break
        }
        'ccmon;alerts;help;routes;test' {
            break
        }
        'ccmon;alerts;help;help' {
            break
        }
        'ccmon;scaffold' {
            [CompletionResult]::new('--exporters', '--exporters', [CompletionResultType]::ParameterName, 'Exporters to deploy (comma-separated); their scrape jobs, alerts and dashboard panels come and go with them')
            [CompletionResult]::new('--receivers', '--receivers', [CompletionResultType]::ParameterName, 'Alertmanager receivers to configure (comma-separated, at least one)')
            [CompletionResult]::new('--ccmon-host', '--ccmon-host', [CompletionResultType]::ParameterName, 'Address where Prometheus reaches `ccmon health serve`')
            [CompletionResult]::new('--retention', '--retention', [CompletionResultType]::ParameterName, 'Prometheus retention (Prometheus duration)')
            [CompletionResult]::new('--runbook-url', '--runbook-url', [CompletionResultType]::ParameterName, 'Base URL of the runbooks the alerts link to (anchors are the alert names, lowercased)')
            [CompletionResult]::new('--tls-hosts', '--tls-hosts', [CompletionResultType]::ParameterName, 'Names (DNS or IP) the created server certificate carries besides the service names, localhost and 127.0.0.1 (comma-separated)')
            [CompletionResult]::new('--basic-auth', '--basic-auth', [CompletionResultType]::ParameterName, 'Require HTTP basic auth as USER on Prometheus and Alertmanager; the password is read from DIR/docker/secrets/web_password (generated when absent), only its bcrypt hash is written, and every client of the stack carries it')
            [CompletionResult]::new('--remote-write', '--remote-write', [CompletionResultType]::ParameterName, 'Send every sample to this remote-write endpoint too (Thanos Receive, Cortex, Mimir; repeatable)')
            [CompletionResult]::new('--remote-write-auth', '--remote-write-auth', [CompletionResultType]::ParameterName, 'Credentials for --remote-write: bearer (docker/secrets/remote_write_token) or basic (--remote-write-user, docker/secrets/remote_write_password)')
            [CompletionResult]::new('--remote-write-user', '--remote-write-user', [CompletionResultType]::ParameterName, 'User name for --remote-write-auth basic')
            [CompletionResult]::new('--external-labels', '--external-labels', [CompletionResultType]::ParameterName, 'Labels Prometheus adds to everything it sends out (NAME=VALUE, comma-separated), e.g. cluster=eu1,replica=a as Thanos, Cortex and Mimir expect; a `replica` label is dropped from alerts so a Prometheus pair''s alerts deduplicate')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite files that exist and differ (without it, nothing is written and the command exits 1 when any file would be overwritten)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Only list what would be created, updated or left unchanged; write nothing')
            [CompletionResult]::new('--diff', '--diff', [CompletionResultType]::ParameterName, 'Show a unified diff of what would change (implies --dry-run)')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Serve Prometheus, Alertmanager and Grafana over HTTPS; the certificate, its key and CA are read from DIR/docker/secrets/tls/ (ca.crt, server.crt, server.key) and created there with a local CA when none exists')
            [CompletionResult]::new('--ha', '--ha', [CompletionResultType]::ParameterName, 'Two Alertmanagers peering as a cluster (the second published on 127.0.0.1:9095); Prometheus sends to both')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ccmon;context' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make NAME the current context (written to the config file, comments kept)')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, '`-o`, on the commands that print results')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'PostgreSQL, for the health checks')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ccmon;context;use' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ccmon;context;ls' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ccmon;context;show' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--prometheus-url', '--prometheus-url', [CompletionResultType]::ParameterName, 'Prometheus base URL [env: CCMON_PROMETHEUS_URL] [default: http://localhost:9090]')
            [CompletionResult]::new('--alertmanager-url', '--alertmanager-url', [CompletionResultType]::ParameterName, 'Alertmanager base URL; repeat for an HA cluster [env: CCMON_ALERTMANAGER_URL, comma-separated] [default: http://localhost:9093]')
            [CompletionResult]::new('--bearer-token-file', '--bearer-token-file', [CompletionResultType]::ParameterName, 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL: redis://, rediss:// (TLS) or redis+cluster:// [env: REDIS_URL]')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL [env: DATABASE_URL]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ccmon;context;help' {
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make NAME the current context (written to the config file, comments kept)')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, '`-o`, on the commands that print results')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'PostgreSQL, for the health checks')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ccmon;context;help;use' {
            break
        }
        'ccmon;context;help;ls' {
            break
        }
        'ccmon;context;help;show' {
            break
        }
        'ccmon;context;help;help' {
            break
        }
        'ccmon;rules' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('catalog', 'catalog', [CompletionResultType]::ParameterValue, 'The metric catalogue the linter checks rules against')
            [CompletionResult]::new('lint', 'lint', [CompletionResultType]::ParameterValue, '`-o`, on the commands that print results')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ccmon;rules;catalog' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ccmon;rules;catalog;export' {
            [CompletionResult]::new('--metrics-from', '--metrics-from', [CompletionResultType]::ParameterName, 'A /metrics URL or a saved copy (Prometheus text format); repeatable')
            [CompletionResult]::new('--cache-ttl', '--cache-ttl', [CompletionResultType]::ParameterName, 'With --online: how long the names cached for a server serve before it is asked again')
            [CompletionResult]::new('--prometheus-url', '--prometheus-url', [CompletionResultType]::ParameterName, 'Prometheus base URL [env: CCMON_PROMETHEUS_URL] [default: http://localhost:9090]')
            [CompletionResult]::new('--bearer-token-file', '--bearer-token-file', [CompletionResultType]::ParameterName, 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('--online', '--online', [CompletionResultType]::ParameterName, 'Also export every metric name and type of the context''s Prometheus (cached as for `rules lint --online`); fails when the server does not answer and nothing is cached')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'With --online: ask the server even if its cached names are fresh')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ccmon;rules;catalog;help' {
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ccmon;rules;catalog;help;export' {
            break
        }
        'ccmon;rules;catalog;help;help' {
            break
        }
        'ccmon;rules;lint' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Report format')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Lowest severity that makes the command exit 1')
            [CompletionResult]::new('--min-severity', '--min-severity', [CompletionResultType]::ParameterName, 'Hide findings below this severity (the exit status then counts only what is shown)')
            [CompletionResult]::new('--lint-config', '--lint-config', [CompletionResultType]::ParameterName, 'Lint settings [default: .ccmon-lint.yaml found upward from the linted files]')
            [CompletionResult]::new('--enable-feature', '--enable-feature', [CompletionResultType]::ParameterName, 'Enable experimental PromQL as promtool''s flag of the same name does (promql-experimental-functions, promql-duration-expr, promql-extended-range-selectors, promql-binop-fill-modifiers)')
            [CompletionResult]::new('--metrics-from', '--metrics-from', [CompletionResultType]::ParameterName, 'Add the metric families an application exposes to the catalogue: its /metrics URL or a saved copy (Prometheus text format); repeatable (10 s timeout, 64 MiB at most)')
            [CompletionResult]::new('--cache-ttl', '--cache-ttl', [CompletionResultType]::ParameterName, 'With --online: how long the names cached for a server serve before it is asked again')
            [CompletionResult]::new('--prometheus-url', '--prometheus-url', [CompletionResultType]::ParameterName, 'Prometheus base URL [env: CCMON_PROMETHEUS_URL] [default: http://localhost:9090]')
            [CompletionResult]::new('--bearer-token-file', '--bearer-token-file', [CompletionResultType]::ParameterName, 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, json or yaml for programs, wide for more columns')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this context of the config file instead of its `current_context`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml')
            [CompletionResult]::new('--list-codes', '--list-codes', [CompletionResultType]::ParameterName, 'Print every check''s code, default severity and summary, and exit')
            [CompletionResult]::new('--online', '--online', [CompletionResultType]::ParameterName, 'Also take metric names and types from the context''s Prometheus (--prometheus-url, its credentials, TLS and headers), cached per server under $XDG_CACHE_HOME/ccmon, and report selectors whose label matchers match none of the server''s series of the last 7 days (promql/series, at most 2,000 selectors a run). A server that does not answer is a warning, and the lint goes on with the offline catalogue')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'With --online: ask the server even if its cached names are fresh')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also honoured: the NO_COLOR environment variable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more: -v for debug, -vv for trace (to stderr)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ccmon;rules;help' {
            [CompletionResult]::new('catalog', 'catalog', [CompletionResultType]::ParameterValue, 'The metric catalogue the linter checks rules against')
            [CompletionResult]::new('lint', 'lint', [CompletionResultType]::ParameterValue, '`-o`, on the commands that print results')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ccmon;rules;help;catalog' {
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            break
        }
        'ccmon;rules;help;catalog;export' {
            break
        }
        'ccmon;rules;help;lint' {
            break
        }
        'ccmon;rules;help;help' {
            break
        }
        'ccmon;help' {
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages (ccmon.1 and one page per subcommand)')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Serve health probes and metrics, or run the health checks once')
            [CompletionResult]::new('stream', 'stream', [CompletionResultType]::ParameterValue, 'Supervise agents and record their stream-json events')
            [CompletionResult]::new('query', 'query', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('targets', 'targets', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('alerts', 'alerts', [CompletionResultType]::ParameterValue, 'Alertmanager alerts and silences')
            [CompletionResult]::new('scaffold', 'scaffold', [CompletionResultType]::ParameterValue, '`-o`, on the commands that print results')
            [CompletionResult]::new('context', 'context', [CompletionResultType]::ParameterValue, 'Show and switch contexts of the config file')
            [CompletionResult]::new('rules', 'rules', [CompletionResultType]::ParameterValue, 'Lint Prometheus rule files')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ccmon;help;completions' {
            break
        }
        'ccmon;help;man' {
            break
        }
        'ccmon;help;health' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'PostgreSQL, for the health checks')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'PostgreSQL, for the health checks')
            break
        }
        'ccmon;help;health;serve' {
            break
        }
        'ccmon;help;health;check' {
            break
        }
        'ccmon;help;stream' {
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Redis, for `stream` and the health server''s fleet view and checks')
            [CompletionResult]::new('ingest', 'ingest', [CompletionResultType]::ParameterValue, 'Redis, for `stream` and the health server''s fleet view and checks')
            [CompletionResult]::new('tail', 'tail', [CompletionResultType]::ParameterValue, 'Redis, for `stream` and the health server''s fleet view and checks')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'Redis, for `stream` and the health server''s fleet view and checks')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Redis, for `stream` and the health server''s fleet view and checks')
            [CompletionResult]::new('flush', 'flush', [CompletionResultType]::ParameterValue, 'Redis, for `stream` and the health server''s fleet view and checks')
            break
        }
        'ccmon;help;stream;watch' {
            break
        }
        'ccmon;help;stream;ingest' {
            break
        }
        'ccmon;help;stream;tail' {
            break
        }
        'ccmon;help;stream;ls' {
            break
        }
        'ccmon;help;stream;report' {
            break
        }
        'ccmon;help;stream;flush' {
            break
        }
        'ccmon;help;query' {
            [CompletionResult]::new('range', 'range', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            break
        }
        'ccmon;help;query;range' {
            break
        }
        'ccmon;help;targets' {
            break
        }
        'ccmon;help;alerts' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('silence', 'silence', [CompletionResultType]::ParameterValue, 'Create, list, expire, extend and import silences')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('routes', 'routes', [CompletionResultType]::ParameterValue, 'Test the routing tree: which receivers an alert with given labels reaches')
            break
        }
        'ccmon;help;alerts;ls' {
            break
        }
        'ccmon;help;alerts;silence' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('expire', 'expire', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('extend', 'extend', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            break
        }
        'ccmon;help;alerts;silence;add' {
            break
        }
        'ccmon;help;alerts;silence;ls' {
            break
        }
        'ccmon;help;alerts;silence;expire' {
            break
        }
        'ccmon;help;alerts;silence;extend' {
            break
        }
        'ccmon;help;alerts;silence;import' {
            break
        }
        'ccmon;help;alerts;status' {
            break
        }
        'ccmon;help;alerts;routes' {
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            break
        }
        'ccmon;help;alerts;routes;test' {
            break
        }
        'ccmon;help;scaffold' {
            break
        }
        'ccmon;help;context' {
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make NAME the current context (written to the config file, comments kept)')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, '`-o`, on the commands that print results')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'PostgreSQL, for the health checks')
            break
        }
        'ccmon;help;context;use' {
            break
        }
        'ccmon;help;context;ls' {
            break
        }
        'ccmon;help;context;show' {
            break
        }
        'ccmon;help;rules' {
            [CompletionResult]::new('catalog', 'catalog', [CompletionResultType]::ParameterValue, 'The metric catalogue the linter checks rules against')
            [CompletionResult]::new('lint', 'lint', [CompletionResultType]::ParameterValue, '`-o`, on the commands that print results')
            break
        }
        'ccmon;help;rules;catalog' {
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'How ccmon talks HTTP to Prometheus and Alertmanager')
            break
        }
        'ccmon;help;rules;catalog;export' {
            break
        }
        'ccmon;help;rules;lint' {
            break
        }
        'ccmon;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
