
use builtin;
use str;

set edit:completion:arg-completer[ccmon] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'ccmon'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'ccmon'= {
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand -o 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --output 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --prometheus-url 'Prometheus base URL [env: CCMON_PROMETHEUS_URL] [default: http://localhost:9090]'
            cand --alertmanager-url 'Alertmanager base URL; repeat for an HA cluster [env: CCMON_ALERTMANAGER_URL, comma-separated] [default: http://localhost:9093]'
            cand --bearer-token-file 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]'
            cand --timeout 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]'
            cand --redis-url 'Redis URL: redis://, rediss:// (TLS) or redis+cluster:// [env: REDIS_URL]'
            cand --database-url 'PostgreSQL URL [env: DATABASE_URL]'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand completions 'Print a shell completion script'
            cand man 'Write man pages (ccmon.1 and one page per subcommand)'
            cand health 'Serve health probes and metrics, or run the health checks once'
            cand stream 'Supervise agents and record their stream-json events'
            cand query 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand targets 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand alerts 'Alertmanager alerts and silences'
            cand scaffold '`-o`, on the commands that print results'
            cand context 'Show and switch contexts of the config file'
            cand rules 'Lint Prometheus rule files'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ccmon;completions'= {
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ccmon;man'= {
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ccmon;health'= {
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand serve 'PostgreSQL, for the health checks'
            cand check 'PostgreSQL, for the health checks'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ccmon;health;serve'= {
            cand --listen 'Address to listen on'
            cand --details 'When to include check messages and details in responses (they can leak hostnames)'
            cand --details-token-file 'File holding the bearer token that unlocks details with `--details token`'
            cand --drain-timeout 'Longest time to finish in-flight requests after SIGTERM'
            cand --shutdown-delay 'After SIGTERM, keep accepting and answer readiness with 503 this long before the drain, so load balancers and the kubelet see the pod leave (e.g. 5s on Kubernetes)'
            cand --max-connections 'Most concurrent connections; at the limit a new connection replaces the one waiting longest for its request headers, so slow clients cannot starve probes'
            cand --redis-url 'Redis URL: redis://, rediss:// (TLS) or redis+cluster:// [env: REDIS_URL]'
            cand --database-url 'PostgreSQL URL [env: DATABASE_URL]'
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ccmon;health;check'= {
            cand --fail-on 'Lowest status that makes the command fail'
            cand -o 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --output 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --redis-url 'Redis URL: redis://, rediss:// (TLS) or redis+cluster:// [env: REDIS_URL]'
            cand --database-url 'PostgreSQL URL [env: DATABASE_URL]'
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ccmon;health;help'= {
            cand serve 'PostgreSQL, for the health checks'
            cand check 'PostgreSQL, for the health checks'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ccmon;health;help;serve'= {
        }
        &'ccmon;health;help;check'= {
        }
        &'ccmon;health;help;help'= {
        }
        &'ccmon;stream'= {
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand watch 'Redis, for `stream` and the health server''s fleet view and checks'
            cand ingest 'Redis, for `stream` and the health server''s fleet view and checks'
            cand tail 'Redis, for `stream` and the health server''s fleet view and checks'
            cand ls 'Redis, for `stream` and the health server''s fleet view and checks'
            cand report 'Redis, for `stream` and the health server''s fleet view and checks'
            cand flush 'Redis, for `stream` and the health server''s fleet view and checks'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ccmon;stream;watch'= {
            cand --agent-id 'Agent id (default: the session id of the stream''s system/init event, else generated)'
            cand --maxlen 'Approximate maximum entries kept per agent stream (XADD MAXLEN ~ N); 0 keeps every entry'
            cand --max-line 'Longest line parsed and held whole (e.g. 4MiB, 32MiB); a longer line is recorded as consecutive raw chunks of this size. Memory stays within a few times this, whatever the input'
            cand --ttl 'Expiry of an agent''s keys, refreshed on every write; 0 keeps them forever'
            cand --spool-dir 'Spool directory [default: $XDG_STATE_HOME/ccmon/spool]'
            cand --redis-timeout 'Longest wait for one Redis round trip before events go to the spool'
            cand --spool-max 'With Redis, most bytes the spool may hold undelivered (e.g. 512MiB, 2GiB); past it the agent is slowed down (its output waits) until Redis takes events again'
            cand --spool-keep 'With Redis, delivered bytes of the running session kept in the spool (at least this, at most twice this plus one batch), which a Redis restarted without its data gets again; the older delivered part is freed, so a session of any length needs bounded disk'
            cand --display 'How to show the child''s stdout: raw bytes, or a live summary [default: pretty on a TTY, raw otherwise]'
            cand --metrics-listen 'Serve the live metrics of this agent on ADDR while it runs'
            cand --on-stuck 'What to do when the agent is stuck: warn, interrupt (SIGINT), kill, or exec CMD'
            cand --stuck-floor 'Never call an agent stuck before this much silence'
            cand --stuck-multiplier 'Stuck when silent for this multiple of the recent gaps between events'
            cand --tool-timeout 'Silence allowed while a tool call is open (no tool_progress)'
            cand --repeated-tool-calls 'Same tool with the same input this many times in a row is a loop'
            cand --consecutive-tools 'Same tool name this many times in a row is a loop'
            cand --consecutive-thinking 'This many thinking blocks with no text or tool call is a loop'
            cand --api-retry-storm 'This many API retries with no answer in between is a retry storm (0 turns it off)'
            cand --result-exit-timeout 'Stuck (no_exit_after_result) when the agent cannot get more input (`-p` without `--input-format stream-json`, or stdin at its end) and has not exited this long after its result; 0s turns the check off'
            cand --kill-grace 'Grace period between SIGTERM and SIGKILL when stopping the child'
            cand --redis-url 'Redis URL: redis://, rediss:// (TLS) or redis+cluster:// [env: REDIS_URL]'
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ccmon;stream;ingest'= {
            cand --agent-id 'Agent id (default: the session id of the stream''s system/init event, else generated)'
            cand --maxlen 'Approximate maximum entries kept per agent stream (XADD MAXLEN ~ N); 0 keeps every entry'
            cand --max-line 'Longest line parsed and held whole (e.g. 4MiB, 32MiB); a longer line is recorded as consecutive raw chunks of this size. Memory stays within a few times this, whatever the input'
            cand --ttl 'Expiry of an agent''s keys, refreshed on every write; 0 keeps them forever'
            cand --spool-dir 'Spool directory [default: $XDG_STATE_HOME/ccmon/spool]'
            cand --redis-timeout 'Longest wait for one Redis round trip before events go to the spool'
            cand --spool-max 'With Redis, most bytes the spool may hold undelivered (e.g. 512MiB, 2GiB); past it the agent is slowed down (its output waits) until Redis takes events again'
            cand -o 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --output 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --redis-url 'Redis URL: redis://, rediss:// (TLS) or redis+cluster:// [env: REDIS_URL]'
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ccmon;stream;tail'= {
            cand -n 'Number of recent events to show first'
            cand --lines 'Number of recent events to show first'
            cand --spool-dir 'Spool directory to read when no Redis is configured'
            cand -o 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --output 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --redis-url 'Redis URL: redis://, rediss:// (TLS) or redis+cluster:// [env: REDIS_URL]'
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand -f 'Keep following new events'
            cand --follow 'Keep following new events'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ccmon;stream;ls'= {
            cand --state 'Only agents in this state'
            cand --spool-dir 'Spool directory to read when no Redis is configured'
            cand -o 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --output 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --redis-url 'Redis URL: redis://, rediss:// (TLS) or redis+cluster:// [env: REDIS_URL]'
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ccmon;stream;report'= {
            cand --since 'Only agents whose last event is at most this long ago, e.g. 24h or 7d [default: every agent]'
            cand --by 'One row per agent, per model, or per UTC day of the agents'' last events (a run that crosses midnight counts whole on the day it last reported)'
            cand --spool-dir 'Spool directory to read when no Redis is configured'
            cand -o 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --output 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --redis-url 'Redis URL: redis://, rediss:// (TLS) or redis+cluster:// [env: REDIS_URL]'
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ccmon;stream;flush'= {
            cand --spool-dir 'Spool directory [default: $XDG_STATE_HOME/ccmon/spool]'
            cand --redis-timeout 'Longest wait for one Redis round trip'
            cand --redis-url 'Redis URL: redis://, rediss:// (TLS) or redis+cluster:// [env: REDIS_URL]'
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ccmon;stream;help'= {
            cand watch 'Redis, for `stream` and the health server''s fleet view and checks'
            cand ingest 'Redis, for `stream` and the health server''s fleet view and checks'
            cand tail 'Redis, for `stream` and the health server''s fleet view and checks'
            cand ls 'Redis, for `stream` and the health server''s fleet view and checks'
            cand report 'Redis, for `stream` and the health server''s fleet view and checks'
            cand flush 'Redis, for `stream` and the health server''s fleet view and checks'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ccmon;stream;help;watch'= {
        }
        &'ccmon;stream;help;ingest'= {
        }
        &'ccmon;stream;help;tail'= {
        }
        &'ccmon;stream;help;ls'= {
        }
        &'ccmon;stream;help;report'= {
        }
        &'ccmon;stream;help;flush'= {
        }
        &'ccmon;stream;help;help'= {
        }
        &'ccmon;query'= {
            cand --time 'Evaluation time: RFC 3339, Unix seconds, or relative like -1h [default: now]'
            cand -o 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --output 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --prometheus-url 'Prometheus base URL [env: CCMON_PROMETHEUS_URL] [default: http://localhost:9090]'
            cand --bearer-token-file 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]'
            cand --timeout 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]'
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand range 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ccmon;query;range'= {
            cand --start 'Start: RFC 3339, Unix seconds, or relative like -1h [default: end - 1h]'
            cand --end 'End: RFC 3339, Unix seconds, or relative [default: now]'
            cand --since 'Shorthand for --start -DURATION'
            cand --step 'Resolution step [default: chosen to fit the chart width]'
            cand --width 'Chart width in columns, 40 to 400 [default: the terminal''s width, else $COLUMNS, else 80]'
            cand -o 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --output 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --prometheus-url 'Prometheus base URL [env: CCMON_PROMETHEUS_URL] [default: http://localhost:9090]'
            cand --bearer-token-file 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]'
            cand --timeout 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]'
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ccmon;query;help'= {
            cand range 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ccmon;query;help;range'= {
        }
        &'ccmon;query;help;help'= {
        }
        &'ccmon;targets'= {
            cand --job 'Only targets of this job'
            cand --health 'Only targets in this health state'
            cand -o 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --output 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --prometheus-url 'Prometheus base URL [env: CCMON_PROMETHEUS_URL] [default: http://localhost:9090]'
            cand --bearer-token-file 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]'
            cand --timeout 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]'
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ccmon;alerts'= {
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand ls 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand silence 'Create, list, expire, extend and import silences'
            cand status 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand routes 'Test the routing tree: which receivers an alert with given labels reaches'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ccmon;alerts;ls'= {
            cand --group 'Group alerts as Alertmanager routes them, or with --group=LABEL by that label (as the UI does)'
            cand -r 'Only alerts routed to receivers matching this regex'
            cand --receiver 'Only alerts routed to receivers matching this regex'
            cand --silenced-by 'Only the alerts this silence mutes now (implies --silenced)'
            cand -o 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --output 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --alertmanager-url 'Alertmanager base URL; repeat for an HA cluster [env: CCMON_ALERTMANAGER_URL, comma-separated] [default: http://localhost:9093]'
            cand --bearer-token-file 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]'
            cand --timeout 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]'
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand -a 'Show active alerts'
            cand --active 'Show active alerts'
            cand -s 'Show silenced alerts'
            cand --silenced 'Show silenced alerts'
            cand -i 'Show inhibited alerts'
            cand --inhibited 'Show inhibited alerts'
            cand -u 'Show alerts Alertmanager has not processed yet'
            cand --unprocessed 'Show alerts Alertmanager has not processed yet'
            cand --all-contexts 'Merge the alerts of every context of the config file (a CONTEXT column shows where each comes from); `--context a,b` merges the contexts named'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ccmon;alerts;silence'= {
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand ls 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand expire 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand extend 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand import 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ccmon;alerts;silence;add'= {
            cand -d 'How long the silence lasts, e.g. 2h, 1h30m, 1d'
            cand --duration 'How long the silence lasts, e.g. 2h, 1h30m, 1d'
            cand --end 'When the silence ends (RFC 3339)'
            cand --start 'When the silence starts (RFC 3339) [default: now]'
            cand -c 'Why the silence exists'
            cand --comment 'Why the silence exists'
            cand -a 'Who creates it [default: the current user]'
            cand --author 'Who creates it [default: the current user]'
            cand -o 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --output 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --alertmanager-url 'Alertmanager base URL; repeat for an HA cluster [env: CCMON_ALERTMANAGER_URL, comma-separated] [default: http://localhost:9093]'
            cand --bearer-token-file 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]'
            cand --timeout 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]'
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand --force 'Allow a silence that matches every alert'
            cand --dry-run 'Print the alerts the silence would mute now (as `alerts ls`) and create nothing'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ccmon;alerts;silence;ls'= {
            cand --within 'Only silences ending within D (or, with --expired, that ended within the last D)'
            cand --created-by 'Only silences created by this author'
            cand -o 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --output 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --alertmanager-url 'Alertmanager base URL; repeat for an HA cluster [env: CCMON_ALERTMANAGER_URL, comma-separated] [default: http://localhost:9093]'
            cand --bearer-token-file 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]'
            cand --timeout 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]'
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand --expired 'Show expired silences instead of active and pending ones'
            cand --all-contexts 'Merge the silences of every context of the config file (a CONTEXT column shows where each comes from); `--context a,b` merges the contexts named'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ccmon;alerts;silence;expire'= {
            cand --matching 'Expire every active or pending silence that has these matchers (as `silence ls` selects them); shows them and asks first on a terminal'
            cand --alertmanager-url 'Alertmanager base URL; repeat for an HA cluster [env: CCMON_ALERTMANAGER_URL, comma-separated] [default: http://localhost:9093]'
            cand --bearer-token-file 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]'
            cand --timeout 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]'
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand -y 'Do not ask for confirmation'
            cand --yes 'Do not ask for confirmation'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ccmon;alerts;silence;extend'= {
            cand -d 'How much longer each silence lasts'
            cand --duration 'How much longer each silence lasts'
            cand --alertmanager-url 'Alertmanager base URL; repeat for an HA cluster [env: CCMON_ALERTMANAGER_URL, comma-separated] [default: http://localhost:9093]'
            cand --bearer-token-file 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]'
            cand --timeout 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]'
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ccmon;alerts;silence;import'= {
            cand --alertmanager-url 'Alertmanager base URL; repeat for an HA cluster [env: CCMON_ALERTMANAGER_URL, comma-separated] [default: http://localhost:9093]'
            cand --bearer-token-file 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]'
            cand --timeout 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]'
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand --force 'Create new silences even if the IDs exist, and import silences that match every alert (refused otherwise, as by `silence add`); entries identical to an active or pending silence are skipped either way'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ccmon;alerts;silence;help'= {
            cand add 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand ls 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand expire 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand extend 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand import 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ccmon;alerts;silence;help;add'= {
        }
        &'ccmon;alerts;silence;help;ls'= {
        }
        &'ccmon;alerts;silence;help;expire'= {
        }
        &'ccmon;alerts;silence;help;extend'= {
        }
        &'ccmon;alerts;silence;help;import'= {
        }
        &'ccmon;alerts;silence;help;help'= {
        }
        &'ccmon;alerts;status'= {
            cand -o 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --output 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --alertmanager-url 'Alertmanager base URL; repeat for an HA cluster [env: CCMON_ALERTMANAGER_URL, comma-separated] [default: http://localhost:9093]'
            cand --bearer-token-file 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]'
            cand --timeout 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]'
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ccmon;alerts;routes'= {
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand test 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ccmon;alerts;routes;test'= {
            cand --config-file 'Read the routing tree from this Alertmanager config file instead of the live Alertmanager'
            cand --verify-receivers 'Exit 1 unless the receivers are exactly these, in order (as amtool''s --verify.receivers)'
            cand -o 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --output 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --alertmanager-url 'Alertmanager base URL; repeat for an HA cluster [env: CCMON_ALERTMANAGER_URL, comma-separated] [default: http://localhost:9093]'
            cand --bearer-token-file 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]'
            cand --timeout 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]'
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand --tree 'Also show the routing tree, each route marked receives, matches, no match or not tried'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ccmon;alerts;routes;help'= {
            cand test 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ccmon;alerts;routes;help;test'= {
        }
        &'ccmon;alerts;routes;help;help'= {
        }
        &'ccmon;alerts;help'= {
            cand ls 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand silence 'Create, list, expire, extend and import silences'
            cand status 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand routes 'Test the routing tree: which receivers an alert with given labels reaches'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ccmon;alerts;help;ls'= {
        }
        &'ccmon;alerts;help;silence'= {
            cand add 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand ls 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand expire 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand extend 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand import 'How ccmon talks HTTP to Prometheus and Alertmanager'
        }
        &'ccmon;alerts;help;silence;add'= {
        }
        &'ccmon;alerts;help;silence;ls'= {
        }
        &'ccmon;alerts;help;silence;expire'= {
        }
        &'ccmon;alerts;help;silence;extend'= {
        }
        &'ccmon;alerts;help;silence;import'= {
        }
        &'ccmon;alerts;help;status'= {
        }
        &'ccmon;alerts;help;routes'= {
            cand test 'How ccmon talks HTTP to Prometheus and Alertmanager'
        }
        &'ccmon;alerts;help;routes;test'= {
        }
        &'ccmon;alerts;help;help'= {
        }
        &'ccmon;scaffold'= {
            cand --exporters 'Exporters to deploy (comma-separated); their scrape jobs, alerts and dashboard panels come and go with them'
            cand --receivers 'Alertmanager receivers to configure (comma-separated, at least one)'
            cand --ccmon-host 'Address where Prometheus reaches `ccmon health serve`'
            cand --retention 'Prometheus retention (Prometheus duration)'
            cand --runbook-url 'Base URL of the runbooks the alerts link to (anchors are the alert names, lowercased)'
            cand --tls-hosts 'Names (DNS or IP) the created server certificate carries besides the service names, localhost and 127.0.0.1 (comma-separated)'
            cand --basic-auth 'Require HTTP basic auth as USER on Prometheus and Alertmanager; the password is read from DIR/docker/secrets/web_password (generated when absent), only its bcrypt hash is written, and every client of the stack carries it'
            cand --remote-write 'Send every sample to this remote-write endpoint too (Thanos Receive, Cortex, Mimir; repeatable)'
            cand --remote-write-auth 'Credentials for --remote-write: bearer (docker/secrets/remote_write_token) or basic (--remote-write-user, docker/secrets/remote_write_password)'
            cand --remote-write-user 'User name for --remote-write-auth basic'
            cand --external-labels 'Labels Prometheus adds to everything it sends out (NAME=VALUE, comma-separated), e.g. cluster=eu1,replica=a as Thanos, Cortex and Mimir expect; a `replica` label is dropped from alerts so a Prometheus pair''s alerts deduplicate'
            cand -o 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --output 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand --force 'Overwrite files that exist and differ (without it, nothing is written and the command exits 1 when any file would be overwritten)'
            cand --dry-run 'Only list what would be created, updated or left unchanged; write nothing'
            cand --diff 'Show a unified diff of what would change (implies --dry-run)'
            cand --tls 'Serve Prometheus, Alertmanager and Grafana over HTTPS; the certificate, its key and CA are read from DIR/docker/secrets/tls/ (ca.crt, server.crt, server.key) and created there with a local CA when none exists'
            cand --ha 'Two Alertmanagers peering as a cluster (the second published on 127.0.0.1:9095); Prometheus sends to both'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ccmon;context'= {
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand use 'Make NAME the current context (written to the config file, comments kept)'
            cand ls '`-o`, on the commands that print results'
            cand show 'PostgreSQL, for the health checks'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ccmon;context;use'= {
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ccmon;context;ls'= {
            cand -o 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --output 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ccmon;context;show'= {
            cand -o 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --output 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --prometheus-url 'Prometheus base URL [env: CCMON_PROMETHEUS_URL] [default: http://localhost:9090]'
            cand --alertmanager-url 'Alertmanager base URL; repeat for an HA cluster [env: CCMON_ALERTMANAGER_URL, comma-separated] [default: http://localhost:9093]'
            cand --bearer-token-file 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]'
            cand --timeout 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]'
            cand --redis-url 'Redis URL: redis://, rediss:// (TLS) or redis+cluster:// [env: REDIS_URL]'
            cand --database-url 'PostgreSQL URL [env: DATABASE_URL]'
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ccmon;context;help'= {
            cand use 'Make NAME the current context (written to the config file, comments kept)'
            cand ls '`-o`, on the commands that print results'
            cand show 'PostgreSQL, for the health checks'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ccmon;context;help;use'= {
        }
        &'ccmon;context;help;ls'= {
        }
        &'ccmon;context;help;show'= {
        }
        &'ccmon;context;help;help'= {
        }
        &'ccmon;rules'= {
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand catalog 'The metric catalogue the linter checks rules against'
            cand lint '`-o`, on the commands that print results'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ccmon;rules;catalog'= {
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand export 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ccmon;rules;catalog;export'= {
            cand --metrics-from 'A /metrics URL or a saved copy (Prometheus text format); repeatable'
            cand --cache-ttl 'With --online: how long the names cached for a server serve before it is asked again'
            cand --prometheus-url 'Prometheus base URL [env: CCMON_PROMETHEUS_URL] [default: http://localhost:9090]'
            cand --bearer-token-file 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]'
            cand --timeout 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]'
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand --online 'Also export every metric name and type of the context''s Prometheus (cached as for `rules lint --online`); fails when the server does not answer and nothing is cached'
            cand --refresh 'With --online: ask the server even if its cached names are fresh'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ccmon;rules;catalog;help'= {
            cand export 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ccmon;rules;catalog;help;export'= {
        }
        &'ccmon;rules;catalog;help;help'= {
        }
        &'ccmon;rules;lint'= {
            cand --format 'Report format'
            cand --fail-on 'Lowest severity that makes the command exit 1'
            cand --min-severity 'Hide findings below this severity (the exit status then counts only what is shown)'
            cand --lint-config 'Lint settings [default: .ccmon-lint.yaml found upward from the linted files]'
            cand --enable-feature 'Enable experimental PromQL as promtool''s flag of the same name does (promql-experimental-functions, promql-duration-expr, promql-extended-range-selectors, promql-binop-fill-modifiers)'
            cand --metrics-from 'Add the metric families an application exposes to the catalogue: its /metrics URL or a saved copy (Prometheus text format); repeatable (10 s timeout, 64 MiB at most)'
            cand --cache-ttl 'With --online: how long the names cached for a server serve before it is asked again'
            cand --prometheus-url 'Prometheus base URL [env: CCMON_PROMETHEUS_URL] [default: http://localhost:9090]'
            cand --bearer-token-file 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]'
            cand --timeout 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]'
            cand -o 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --output 'Output format: a table for people, json or yaml for programs, wide for more columns'
            cand --context 'Use this context of the config file instead of its `current_context`'
            cand --config 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml'
            cand --list-codes 'Print every check''s code, default severity and summary, and exit'
            cand --online 'Also take metric names and types from the context''s Prometheus (--prometheus-url, its credentials, TLS and headers), cached per server under $XDG_CACHE_HOME/ccmon, and report selectors whose label matchers match none of the server''s series of the last 7 days (promql/series, at most 2,000 selectors a run). A server that does not answer is a warning, and the lint goes on with the offline catalogue'
            cand --refresh 'With --online: ask the server even if its cached names are fresh'
            cand --no-color 'Never colour the output (also honoured: the NO_COLOR environment variable)'
            cand -v 'Log more: -v for debug, -vv for trace (to stderr)'
            cand --verbose 'Log more: -v for debug, -vv for trace (to stderr)'
            cand -q 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand --quiet 'Log only errors; list commands print only IDs (as amtool''s `silence query -q`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ccmon;rules;help'= {
            cand catalog 'The metric catalogue the linter checks rules against'
            cand lint '`-o`, on the commands that print results'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ccmon;rules;help;catalog'= {
            cand export 'How ccmon talks HTTP to Prometheus and Alertmanager'
        }
        &'ccmon;rules;help;catalog;export'= {
        }
        &'ccmon;rules;help;lint'= {
        }
        &'ccmon;rules;help;help'= {
        }
        &'ccmon;help'= {
            cand completions 'Print a shell completion script'
            cand man 'Write man pages (ccmon.1 and one page per subcommand)'
            cand health 'Serve health probes and metrics, or run the health checks once'
            cand stream 'Supervise agents and record their stream-json events'
            cand query 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand targets 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand alerts 'Alertmanager alerts and silences'
            cand scaffold '`-o`, on the commands that print results'
            cand context 'Show and switch contexts of the config file'
            cand rules 'Lint Prometheus rule files'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ccmon;help;completions'= {
        }
        &'ccmon;help;man'= {
        }
        &'ccmon;help;health'= {
            cand serve 'PostgreSQL, for the health checks'
            cand check 'PostgreSQL, for the health checks'
        }
        &'ccmon;help;health;serve'= {
        }
        &'ccmon;help;health;check'= {
        }
        &'ccmon;help;stream'= {
            cand watch 'Redis, for `stream` and the health server''s fleet view and checks'
            cand ingest 'Redis, for `stream` and the health server''s fleet view and checks'
            cand tail 'Redis, for `stream` and the health server''s fleet view and checks'
            cand ls 'Redis, for `stream` and the health server''s fleet view and checks'
            cand report 'Redis, for `stream` and the health server''s fleet view and checks'
            cand flush 'Redis, for `stream` and the health server''s fleet view and checks'
        }
        &'ccmon;help;stream;watch'= {
        }
        &'ccmon;help;stream;ingest'= {
        }
        &'ccmon;help;stream;tail'= {
        }
        &'ccmon;help;stream;ls'= {
        }
        &'ccmon;help;stream;report'= {
        }
        &'ccmon;help;stream;flush'= {
        }
        &'ccmon;help;query'= {
            cand range 'How ccmon talks HTTP to Prometheus and Alertmanager'
        }
        &'ccmon;help;query;range'= {
        }
        &'ccmon;help;targets'= {
        }
        &'ccmon;help;alerts'= {
            cand ls 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand silence 'Create, list, expire, extend and import silences'
            cand status 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand routes 'Test the routing tree: which receivers an alert with given labels reaches'
        }
        &'ccmon;help;alerts;ls'= {
        }
        &'ccmon;help;alerts;silence'= {
            cand add 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand ls 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand expire 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand extend 'How ccmon talks HTTP to Prometheus and Alertmanager'
            cand import 'How ccmon talks HTTP to Prometheus and Alertmanager'
        }
        &'ccmon;help;alerts;silence;add'= {
        }
        &'ccmon;help;alerts;silence;ls'= {
        }
        &'ccmon;help;alerts;silence;expire'= {
        }
        &'ccmon;help;alerts;silence;extend'= {
        }
        &'ccmon;help;alerts;silence;import'= {
        }
        &'ccmon;help;alerts;status'= {
        }
        &'ccmon;help;alerts;routes'= {
            cand test 'How ccmon talks HTTP to Prometheus and Alertmanager'
        }
        &'ccmon;help;alerts;routes;test'= {
        }
        &'ccmon;help;scaffold'= {
        }
        &'ccmon;help;context'= {
            cand use 'Make NAME the current context (written to the config file, comments kept)'
            cand ls '`-o`, on the commands that print results'
            cand show 'PostgreSQL, for the health checks'
        }
        &'ccmon;help;context;use'= {
        }
        &'ccmon;help;context;ls'= {
        }
        &'ccmon;help;context;show'= {
        }
        &'ccmon;help;rules'= {
            cand catalog 'The metric catalogue the linter checks rules against'
            cand lint '`-o`, on the commands that print results'
        }
        &'ccmon;help;rules;catalog'= {
            cand export 'How ccmon talks HTTP to Prometheus and Alertmanager'
        }
        &'ccmon;help;rules;catalog;export'= {
        }
        &'ccmon;help;rules;lint'= {
        }
        &'ccmon;help;help'= {
        }
    ]
    $completions[$command]
}
