# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_ccmon_global_optspecs
    string join \n context= config= no-color v/verbose q/quiet o/output= prometheus-url= alertmanager-url= bearer-token-file= timeout= redis-url= database-url= h/help V/version
end

function __fish_ccmon_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_ccmon_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_ccmon_using_subcommand
    set -l cmd (__fish_ccmon_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c ccmon -n "__fish_ccmon_needs_command" -l context -d 'Use this context of the config file instead of its `current_context`' -r
complete -c ccmon -n "__fish_ccmon_needs_command" -l config -d 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml' -r -F
complete -c ccmon -n "__fish_ccmon_needs_command" -s o -l output -d 'Output format: a table for people, json or yaml for programs, wide for more columns' -r -f -a "table\t'Aligned columns (the default)'
wide\t'Aligned columns with every field'
json\t'Stable, machine-readable JSON'
yaml\t'YAML'"
complete -c ccmon -n "__fish_ccmon_needs_command" -l prometheus-url -d 'Prometheus base URL [env: CCMON_PROMETHEUS_URL] [default: http://localhost:9090]' -r
complete -c ccmon -n "__fish_ccmon_needs_command" -l alertmanager-url -d 'Alertmanager base URL; repeat for an HA cluster [env: CCMON_ALERTMANAGER_URL, comma-separated] [default: http://localhost:9093]' -r
complete -c ccmon -n "__fish_ccmon_needs_command" -l bearer-token-file -d 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]' -r -F
complete -c ccmon -n "__fish_ccmon_needs_command" -l timeout -d 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]' -r
complete -c ccmon -n "__fish_ccmon_needs_command" -l redis-url -d 'Redis URL: redis://, rediss:// (TLS) or redis+cluster:// [env: REDIS_URL]' -r
complete -c ccmon -n "__fish_ccmon_needs_command" -l database-url -d 'PostgreSQL URL [env: DATABASE_URL]' -r
complete -c ccmon -n "__fish_ccmon_needs_command" -l no-color -d 'Never colour the output (also honoured: the NO_COLOR environment variable)'
complete -c ccmon -n "__fish_ccmon_needs_command" -s v -l verbose -d 'Log more: -v for debug, -vv for trace (to stderr)'
complete -c ccmon -n "__fish_ccmon_needs_command" -s q -l quiet -d 'Log only errors; list commands print only IDs (as amtool\'s `silence query -q`)'
complete -c ccmon -n "__fish_ccmon_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccmon -n "__fish_ccmon_needs_command" -s V -l version -d 'Print version'
complete -c ccmon -n "__fish_ccmon_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c ccmon -n "__fish_ccmon_needs_command" -f -a "man" -d 'Write man pages (ccmon.1 and one page per subcommand)'
complete -c ccmon -n "__fish_ccmon_needs_command" -f -a "health" -d 'Serve health probes and metrics, or run the health checks once'
complete -c ccmon -n "__fish_ccmon_needs_command" -f -a "stream" -d 'Supervise agents and record their stream-json events'
complete -c ccmon -n "__fish_ccmon_needs_command" -f -a "query" -d 'How ccmon talks HTTP to Prometheus and Alertmanager'
complete -c ccmon -n "__fish_ccmon_needs_command" -f -a "targets" -d 'How ccmon talks HTTP to Prometheus and Alertmanager'
complete -c ccmon -n "__fish_ccmon_needs_command" -f -a "alerts" -d 'Alertmanager alerts and silences'
complete -c ccmon -n "__fish_ccmon_needs_command" -f -a "scaffold" -d '`-o`, on the commands that print results'
complete -c ccmon -n "__fish_ccmon_needs_command" -f -a "context" -d 'Show and switch contexts of the config file'
complete -c ccmon -n "__fish_ccmon_needs_command" -f -a "rules" -d 'Lint Prometheus rule files'
complete -c ccmon -n "__fish_ccmon_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ccmon -n "__fish_ccmon_using_subcommand completions" -l context -d 'Use this context of the config file instead of its `current_context`' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand completions" -l config -d 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand completions" -l no-color -d 'Never colour the output (also honoured: the NO_COLOR environment variable)'
complete -c ccmon -n "__fish_ccmon_using_subcommand completions" -s v -l verbose -d 'Log more: -v for debug, -vv for trace (to stderr)'
complete -c ccmon -n "__fish_ccmon_using_subcommand completions" -s q -l quiet -d 'Log only errors; list commands print only IDs (as amtool\'s `silence query -q`)'
complete -c ccmon -n "__fish_ccmon_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccmon -n "__fish_ccmon_using_subcommand completions" -s V -l version -d 'Print version'
complete -c ccmon -n "__fish_ccmon_using_subcommand man" -l context -d 'Use this context of the config file instead of its `current_context`' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand man" -l config -d 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand man" -l no-color -d 'Never colour the output (also honoured: the NO_COLOR environment variable)'
complete -c ccmon -n "__fish_ccmon_using_subcommand man" -s v -l verbose -d 'Log more: -v for debug, -vv for trace (to stderr)'
complete -c ccmon -n "__fish_ccmon_using_subcommand man" -s q -l quiet -d 'Log only errors; list commands print only IDs (as amtool\'s `silence query -q`)'
complete -c ccmon -n "__fish_ccmon_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccmon -n "__fish_ccmon_using_subcommand man" -s V -l version -d 'Print version'
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and not __fish_seen_subcommand_from serve check help" -l context -d 'Use this context of the config file instead of its `current_context`' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and not __fish_seen_subcommand_from serve check help" -l config -d 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and not __fish_seen_subcommand_from serve check help" -l no-color -d 'Never colour the output (also honoured: the NO_COLOR environment variable)'
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and not __fish_seen_subcommand_from serve check help" -s v -l verbose -d 'Log more: -v for debug, -vv for trace (to stderr)'
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and not __fish_seen_subcommand_from serve check help" -s q -l quiet -d 'Log only errors; list commands print only IDs (as amtool\'s `silence query -q`)'
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and not __fish_seen_subcommand_from serve check help" -s h -l help -d 'Print help'
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and not __fish_seen_subcommand_from serve check help" -s V -l version -d 'Print version'
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and not __fish_seen_subcommand_from serve check help" -f -a "serve" -d 'PostgreSQL, for the health checks'
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and not __fish_seen_subcommand_from serve check help" -f -a "check" -d 'PostgreSQL, for the health checks'
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and not __fish_seen_subcommand_from serve check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and __fish_seen_subcommand_from serve" -l listen -d 'Address to listen on' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and __fish_seen_subcommand_from serve" -l details -d 'When to include check messages and details in responses (they can leak hostnames)' -r -f -a "never\t'Never include messages and details'
always\t'Always include them'
token\t'Only for requests with the bearer token of --details-token-file'"
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and __fish_seen_subcommand_from serve" -l details-token-file -d 'File holding the bearer token that unlocks details with `--details token`' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and __fish_seen_subcommand_from serve" -l drain-timeout -d 'Longest time to finish in-flight requests after SIGTERM' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and __fish_seen_subcommand_from serve" -l shutdown-delay -d 'After SIGTERM, keep accepting and answer readiness with 503 this long before the drain, so load balancers and the kubelet see the pod leave (e.g. 5s on Kubernetes)' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and __fish_seen_subcommand_from serve" -l max-connections -d 'Most concurrent connections; at the limit a new connection replaces the one waiting longest for its request headers, so slow clients cannot starve probes' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and __fish_seen_subcommand_from serve" -l redis-url -d 'Redis URL: redis://, rediss:// (TLS) or redis+cluster:// [env: REDIS_URL]' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and __fish_seen_subcommand_from serve" -l database-url -d 'PostgreSQL URL [env: DATABASE_URL]' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and __fish_seen_subcommand_from serve" -l context -d 'Use this context of the config file instead of its `current_context`' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and __fish_seen_subcommand_from serve" -l config -d 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and __fish_seen_subcommand_from serve" -l no-color -d 'Never colour the output (also honoured: the NO_COLOR environment variable)'
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and __fish_seen_subcommand_from serve" -s v -l verbose -d 'Log more: -v for debug, -vv for trace (to stderr)'
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and __fish_seen_subcommand_from serve" -s q -l quiet -d 'Log only errors; list commands print only IDs (as amtool\'s `silence query -q`)'
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and __fish_seen_subcommand_from serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and __fish_seen_subcommand_from serve" -s V -l version -d 'Print version'
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and __fish_seen_subcommand_from check" -l fail-on -d 'Lowest status that makes the command fail' -r -f -a "degraded\t'Treat degraded as unhealthy: exit 2 when degraded or worse'
unhealthy\t'Exit 2 only when unhealthy (or not checked); degraded exits 1'"
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and __fish_seen_subcommand_from check" -s o -l output -d 'Output format: a table for people, json or yaml for programs, wide for more columns' -r -f -a "table\t'Aligned columns (the default)'
wide\t'Aligned columns with every field'
json\t'Stable, machine-readable JSON'
yaml\t'YAML'"
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and __fish_seen_subcommand_from check" -l redis-url -d 'Redis URL: redis://, rediss:// (TLS) or redis+cluster:// [env: REDIS_URL]' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and __fish_seen_subcommand_from check" -l database-url -d 'PostgreSQL URL [env: DATABASE_URL]' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and __fish_seen_subcommand_from check" -l context -d 'Use this context of the config file instead of its `current_context`' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and __fish_seen_subcommand_from check" -l config -d 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and __fish_seen_subcommand_from check" -l no-color -d 'Never colour the output (also honoured: the NO_COLOR environment variable)'
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and __fish_seen_subcommand_from check" -s v -l verbose -d 'Log more: -v for debug, -vv for trace (to stderr)'
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Log only errors; list commands print only IDs (as amtool\'s `silence query -q`)'
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and __fish_seen_subcommand_from help" -f -a "serve" -d 'PostgreSQL, for the health checks'
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and __fish_seen_subcommand_from help" -f -a "check" -d 'PostgreSQL, for the health checks'
complete -c ccmon -n "__fish_ccmon_using_subcommand health; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and not __fish_seen_subcommand_from watch ingest tail ls report flush help" -l context -d 'Use this context of the config file instead of its `current_context`' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and not __fish_seen_subcommand_from watch ingest tail ls report flush help" -l config -d 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and not __fish_seen_subcommand_from watch ingest tail ls report flush help" -l no-color -d 'Never colour the output (also honoured: the NO_COLOR environment variable)'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and not __fish_seen_subcommand_from watch ingest tail ls report flush help" -s v -l verbose -d 'Log more: -v for debug, -vv for trace (to stderr)'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and not __fish_seen_subcommand_from watch ingest tail ls report flush help" -s q -l quiet -d 'Log only errors; list commands print only IDs (as amtool\'s `silence query -q`)'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and not __fish_seen_subcommand_from watch ingest tail ls report flush help" -s h -l help -d 'Print help'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and not __fish_seen_subcommand_from watch ingest tail ls report flush help" -s V -l version -d 'Print version'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and not __fish_seen_subcommand_from watch ingest tail ls report flush help" -f -a "watch" -d 'Redis, for `stream` and the health server\'s fleet view and checks'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and not __fish_seen_subcommand_from watch ingest tail ls report flush help" -f -a "ingest" -d 'Redis, for `stream` and the health server\'s fleet view and checks'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and not __fish_seen_subcommand_from watch ingest tail ls report flush help" -f -a "tail" -d 'Redis, for `stream` and the health server\'s fleet view and checks'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and not __fish_seen_subcommand_from watch ingest tail ls report flush help" -f -a "ls" -d 'Redis, for `stream` and the health server\'s fleet view and checks'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and not __fish_seen_subcommand_from watch ingest tail ls report flush help" -f -a "report" -d 'Redis, for `stream` and the health server\'s fleet view and checks'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and not __fish_seen_subcommand_from watch ingest tail ls report flush help" -f -a "flush" -d 'Redis, for `stream` and the health server\'s fleet view and checks'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and not __fish_seen_subcommand_from watch ingest tail ls report flush help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from watch" -l agent-id -d 'Agent id (default: the session id of the stream\'s system/init event, else generated)' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from watch" -l maxlen -d 'Approximate maximum entries kept per agent stream (XADD MAXLEN ~ N); 0 keeps every entry' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from watch" -l max-line -d 'Longest line parsed and held whole (e.g. 4MiB, 32MiB); a longer line is recorded as consecutive raw chunks of this size. Memory stays within a few times this, whatever the input' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from watch" -l ttl -d 'Expiry of an agent\'s keys, refreshed on every write; 0 keeps them forever' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from watch" -l spool-dir -d 'Spool directory [default: $XDG_STATE_HOME/ccmon/spool]' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from watch" -l redis-timeout -d 'Longest wait for one Redis round trip before events go to the spool' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from watch" -l spool-max -d 'With Redis, most bytes the spool may hold undelivered (e.g. 512MiB, 2GiB); past it the agent is slowed down (its output waits) until Redis takes events again' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from watch" -l spool-keep -d 'With Redis, delivered bytes of the running session kept in the spool (at least this, at most twice this plus one batch), which a Redis restarted without its data gets again; the older delivered part is freed, so a session of any length needs bounded disk' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from watch" -l display -d 'How to show the child\'s stdout: raw bytes, or a live summary [default: pretty on a TTY, raw otherwise]' -r -f -a "raw\t'The child\'s stdout byte for byte'
pretty\t'One line per event (tool calls, results with their tool and duration, text snippets, turns, elapsed) and, on a terminal, a status line under them (state, tokens, live cost, rate limit, time since the last event)'"
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from watch" -l metrics-listen -d 'Serve the live metrics of this agent on ADDR while it runs' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from watch" -l on-stuck -d 'What to do when the agent is stuck: warn, interrupt (SIGINT), kill, or exec CMD' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from watch" -l stuck-floor -d 'Never call an agent stuck before this much silence' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from watch" -l stuck-multiplier -d 'Stuck when silent for this multiple of the recent gaps between events' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from watch" -l tool-timeout -d 'Silence allowed while a tool call is open (no tool_progress)' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from watch" -l repeated-tool-calls -d 'Same tool with the same input this many times in a row is a loop' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from watch" -l consecutive-tools -d 'Same tool name this many times in a row is a loop' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from watch" -l consecutive-thinking -d 'This many thinking blocks with no text or tool call is a loop' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from watch" -l api-retry-storm -d 'This many API retries with no answer in between is a retry storm (0 turns it off)' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from watch" -l result-exit-timeout -d 'Stuck (no_exit_after_result) when the agent cannot get more input (`-p` without `--input-format stream-json`, or stdin at its end) and has not exited this long after its result; 0s turns the check off' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from watch" -l kill-grace -d 'Grace period between SIGTERM and SIGKILL when stopping the child' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from watch" -l redis-url -d 'Redis URL: redis://, rediss:// (TLS) or redis+cluster:// [env: REDIS_URL]' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from watch" -l context -d 'Use this context of the config file instead of its `current_context`' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from watch" -l config -d 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from watch" -l no-color -d 'Never colour the output (also honoured: the NO_COLOR environment variable)'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from watch" -s v -l verbose -d 'Log more: -v for debug, -vv for trace (to stderr)'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from watch" -s q -l quiet -d 'Log only errors; list commands print only IDs (as amtool\'s `silence query -q`)'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from watch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from watch" -s V -l version -d 'Print version'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from ingest" -l agent-id -d 'Agent id (default: the session id of the stream\'s system/init event, else generated)' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from ingest" -l maxlen -d 'Approximate maximum entries kept per agent stream (XADD MAXLEN ~ N); 0 keeps every entry' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from ingest" -l max-line -d 'Longest line parsed and held whole (e.g. 4MiB, 32MiB); a longer line is recorded as consecutive raw chunks of this size. Memory stays within a few times this, whatever the input' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from ingest" -l ttl -d 'Expiry of an agent\'s keys, refreshed on every write; 0 keeps them forever' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from ingest" -l spool-dir -d 'Spool directory [default: $XDG_STATE_HOME/ccmon/spool]' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from ingest" -l redis-timeout -d 'Longest wait for one Redis round trip before events go to the spool' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from ingest" -l spool-max -d 'With Redis, most bytes the spool may hold undelivered (e.g. 512MiB, 2GiB); past it the agent is slowed down (its output waits) until Redis takes events again' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from ingest" -s o -l output -d 'Output format: a table for people, json or yaml for programs, wide for more columns' -r -f -a "table\t'Aligned columns (the default)'
wide\t'Aligned columns with every field'
json\t'Stable, machine-readable JSON'
yaml\t'YAML'"
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from ingest" -l redis-url -d 'Redis URL: redis://, rediss:// (TLS) or redis+cluster:// [env: REDIS_URL]' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from ingest" -l context -d 'Use this context of the config file instead of its `current_context`' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from ingest" -l config -d 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from ingest" -l no-color -d 'Never colour the output (also honoured: the NO_COLOR environment variable)'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from ingest" -s v -l verbose -d 'Log more: -v for debug, -vv for trace (to stderr)'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from ingest" -s q -l quiet -d 'Log only errors; list commands print only IDs (as amtool\'s `silence query -q`)'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from ingest" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from ingest" -s V -l version -d 'Print version'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from tail" -s n -l lines -d 'Number of recent events to show first' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from tail" -l spool-dir -d 'Spool directory to read when no Redis is configured' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from tail" -s o -l output -d 'Output format: a table for people, json or yaml for programs, wide for more columns' -r -f -a "table\t'Aligned columns (the default)'
wide\t'Aligned columns with every field'
json\t'Stable, machine-readable JSON'
yaml\t'YAML'"
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from tail" -l redis-url -d 'Redis URL: redis://, rediss:// (TLS) or redis+cluster:// [env: REDIS_URL]' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from tail" -l context -d 'Use this context of the config file instead of its `current_context`' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from tail" -l config -d 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from tail" -s f -l follow -d 'Keep following new events'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from tail" -l no-color -d 'Never colour the output (also honoured: the NO_COLOR environment variable)'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from tail" -s v -l verbose -d 'Log more: -v for debug, -vv for trace (to stderr)'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from tail" -s q -l quiet -d 'Log only errors; list commands print only IDs (as amtool\'s `silence query -q`)'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from tail" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from tail" -s V -l version -d 'Print version'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from ls" -l state -d 'Only agents in this state' -r -f -a "running\t'Running and making progress'
retrying\t'An API call is being retried, with no answer yet'
compacting\t'Compacting its context'
rate_limited\t'A rate limit rejected it and has not reset yet'
stuck\t'Running, but stuck or looping'
exited\t'Finished'"
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from ls" -l spool-dir -d 'Spool directory to read when no Redis is configured' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from ls" -s o -l output -d 'Output format: a table for people, json or yaml for programs, wide for more columns' -r -f -a "table\t'Aligned columns (the default)'
wide\t'Aligned columns with every field'
json\t'Stable, machine-readable JSON'
yaml\t'YAML'"
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from ls" -l redis-url -d 'Redis URL: redis://, rediss:// (TLS) or redis+cluster:// [env: REDIS_URL]' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from ls" -l context -d 'Use this context of the config file instead of its `current_context`' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from ls" -l config -d 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from ls" -l no-color -d 'Never colour the output (also honoured: the NO_COLOR environment variable)'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from ls" -s v -l verbose -d 'Log more: -v for debug, -vv for trace (to stderr)'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Log only errors; list commands print only IDs (as amtool\'s `silence query -q`)'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from report" -l since -d 'Only agents whose last event is at most this long ago, e.g. 24h or 7d [default: every agent]' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from report" -l by -d 'One row per agent, per model, or per UTC day of the agents\' last events (a run that crosses midnight counts whole on the day it last reported)' -r -f -a "agent\t'One row per agent'
model\t'One row per model (an agent counts in the row of each model it used)'
day\t'One row per UTC day of the agents\' last events'"
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from report" -l spool-dir -d 'Spool directory to read when no Redis is configured' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from report" -s o -l output -d 'Output format: a table for people, json or yaml for programs, wide for more columns' -r -f -a "table\t'Aligned columns (the default)'
wide\t'Aligned columns with every field'
json\t'Stable, machine-readable JSON'
yaml\t'YAML'"
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from report" -l redis-url -d 'Redis URL: redis://, rediss:// (TLS) or redis+cluster:// [env: REDIS_URL]' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from report" -l context -d 'Use this context of the config file instead of its `current_context`' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from report" -l config -d 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from report" -l no-color -d 'Never colour the output (also honoured: the NO_COLOR environment variable)'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from report" -s v -l verbose -d 'Log more: -v for debug, -vv for trace (to stderr)'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from report" -s q -l quiet -d 'Log only errors; list commands print only IDs (as amtool\'s `silence query -q`)'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from report" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from report" -s V -l version -d 'Print version'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from flush" -l spool-dir -d 'Spool directory [default: $XDG_STATE_HOME/ccmon/spool]' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from flush" -l redis-timeout -d 'Longest wait for one Redis round trip' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from flush" -l redis-url -d 'Redis URL: redis://, rediss:// (TLS) or redis+cluster:// [env: REDIS_URL]' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from flush" -l context -d 'Use this context of the config file instead of its `current_context`' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from flush" -l config -d 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from flush" -l no-color -d 'Never colour the output (also honoured: the NO_COLOR environment variable)'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from flush" -s v -l verbose -d 'Log more: -v for debug, -vv for trace (to stderr)'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from flush" -s q -l quiet -d 'Log only errors; list commands print only IDs (as amtool\'s `silence query -q`)'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from flush" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from flush" -s V -l version -d 'Print version'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from help" -f -a "watch" -d 'Redis, for `stream` and the health server\'s fleet view and checks'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from help" -f -a "ingest" -d 'Redis, for `stream` and the health server\'s fleet view and checks'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from help" -f -a "tail" -d 'Redis, for `stream` and the health server\'s fleet view and checks'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from help" -f -a "ls" -d 'Redis, for `stream` and the health server\'s fleet view and checks'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from help" -f -a "report" -d 'Redis, for `stream` and the health server\'s fleet view and checks'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from help" -f -a "flush" -d 'Redis, for `stream` and the health server\'s fleet view and checks'
complete -c ccmon -n "__fish_ccmon_using_subcommand stream; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ccmon -n "__fish_ccmon_using_subcommand query; and not __fish_seen_subcommand_from range help" -l time -d 'Evaluation time: RFC 3339, Unix seconds, or relative like -1h [default: now]' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand query; and not __fish_seen_subcommand_from range help" -s o -l output -d 'Output format: a table for people, json or yaml for programs, wide for more columns' -r -f -a "table\t'Aligned columns (the default)'
wide\t'Aligned columns with every field'
json\t'Stable, machine-readable JSON'
yaml\t'YAML'"
complete -c ccmon -n "__fish_ccmon_using_subcommand query; and not __fish_seen_subcommand_from range help" -l prometheus-url -d 'Prometheus base URL [env: CCMON_PROMETHEUS_URL] [default: http://localhost:9090]' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand query; and not __fish_seen_subcommand_from range help" -l bearer-token-file -d 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand query; and not __fish_seen_subcommand_from range help" -l timeout -d 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand query; and not __fish_seen_subcommand_from range help" -l context -d 'Use this context of the config file instead of its `current_context`' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand query; and not __fish_seen_subcommand_from range help" -l config -d 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand query; and not __fish_seen_subcommand_from range help" -l no-color -d 'Never colour the output (also honoured: the NO_COLOR environment variable)'
complete -c ccmon -n "__fish_ccmon_using_subcommand query; and not __fish_seen_subcommand_from range help" -s v -l verbose -d 'Log more: -v for debug, -vv for trace (to stderr)'
complete -c ccmon -n "__fish_ccmon_using_subcommand query; and not __fish_seen_subcommand_from range help" -s q -l quiet -d 'Log only errors; list commands print only IDs (as amtool\'s `silence query -q`)'
complete -c ccmon -n "__fish_ccmon_using_subcommand query; and not __fish_seen_subcommand_from range help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccmon -n "__fish_ccmon_using_subcommand query; and not __fish_seen_subcommand_from range help" -s V -l version -d 'Print version'
complete -c ccmon -n "__fish_ccmon_using_subcommand query; and not __fish_seen_subcommand_from range help" -a "range" -d 'How ccmon talks HTTP to Prometheus and Alertmanager'
complete -c ccmon -n "__fish_ccmon_using_subcommand query; and not __fish_seen_subcommand_from range help" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ccmon -n "__fish_ccmon_using_subcommand query; and __fish_seen_subcommand_from range" -l start -d 'Start: RFC 3339, Unix seconds, or relative like -1h [default: end - 1h]' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand query; and __fish_seen_subcommand_from range" -l end -d 'End: RFC 3339, Unix seconds, or relative [default: now]' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand query; and __fish_seen_subcommand_from range" -l since -d 'Shorthand for --start -DURATION' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand query; and __fish_seen_subcommand_from range" -l step -d 'Resolution step [default: chosen to fit the chart width]' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand query; and __fish_seen_subcommand_from range" -l width -d 'Chart width in columns, 40 to 400 [default: the terminal\'s width, else $COLUMNS, else 80]' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand query; and __fish_seen_subcommand_from range" -s o -l output -d 'Output format: a table for people, json or yaml for programs, wide for more columns' -r -f -a "table\t'Aligned columns (the default)'
wide\t'Aligned columns with every field'
json\t'Stable, machine-readable JSON'
yaml\t'YAML'"
complete -c ccmon -n "__fish_ccmon_using_subcommand query; and __fish_seen_subcommand_from range" -l prometheus-url -d 'Prometheus base URL [env: CCMON_PROMETHEUS_URL] [default: http://localhost:9090]' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand query; and __fish_seen_subcommand_from range" -l bearer-token-file -d 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand query; and __fish_seen_subcommand_from range" -l timeout -d 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand query; and __fish_seen_subcommand_from range" -l context -d 'Use this context of the config file instead of its `current_context`' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand query; and __fish_seen_subcommand_from range" -l config -d 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand query; and __fish_seen_subcommand_from range" -l no-color -d 'Never colour the output (also honoured: the NO_COLOR environment variable)'
complete -c ccmon -n "__fish_ccmon_using_subcommand query; and __fish_seen_subcommand_from range" -s v -l verbose -d 'Log more: -v for debug, -vv for trace (to stderr)'
complete -c ccmon -n "__fish_ccmon_using_subcommand query; and __fish_seen_subcommand_from range" -s q -l quiet -d 'Log only errors; list commands print only IDs (as amtool\'s `silence query -q`)'
complete -c ccmon -n "__fish_ccmon_using_subcommand query; and __fish_seen_subcommand_from range" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccmon -n "__fish_ccmon_using_subcommand query; and __fish_seen_subcommand_from range" -s V -l version -d 'Print version'
complete -c ccmon -n "__fish_ccmon_using_subcommand query; and __fish_seen_subcommand_from help" -f -a "range" -d 'How ccmon talks HTTP to Prometheus and Alertmanager'
complete -c ccmon -n "__fish_ccmon_using_subcommand query; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ccmon -n "__fish_ccmon_using_subcommand targets" -l job -d 'Only targets of this job' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand targets" -l health -d 'Only targets in this health state' -r -f -a "up\t'Last scrape succeeded'
down\t'Last scrape failed'
unknown\t'Not scraped yet'"
complete -c ccmon -n "__fish_ccmon_using_subcommand targets" -s o -l output -d 'Output format: a table for people, json or yaml for programs, wide for more columns' -r -f -a "table\t'Aligned columns (the default)'
wide\t'Aligned columns with every field'
json\t'Stable, machine-readable JSON'
yaml\t'YAML'"
complete -c ccmon -n "__fish_ccmon_using_subcommand targets" -l prometheus-url -d 'Prometheus base URL [env: CCMON_PROMETHEUS_URL] [default: http://localhost:9090]' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand targets" -l bearer-token-file -d 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand targets" -l timeout -d 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand targets" -l context -d 'Use this context of the config file instead of its `current_context`' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand targets" -l config -d 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand targets" -l no-color -d 'Never colour the output (also honoured: the NO_COLOR environment variable)'
complete -c ccmon -n "__fish_ccmon_using_subcommand targets" -s v -l verbose -d 'Log more: -v for debug, -vv for trace (to stderr)'
complete -c ccmon -n "__fish_ccmon_using_subcommand targets" -s q -l quiet -d 'Log only errors; list commands print only IDs (as amtool\'s `silence query -q`)'
complete -c ccmon -n "__fish_ccmon_using_subcommand targets" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccmon -n "__fish_ccmon_using_subcommand targets" -s V -l version -d 'Print version'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and not __fish_seen_subcommand_from ls silence status routes help" -l context -d 'Use this context of the config file instead of its `current_context`' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and not __fish_seen_subcommand_from ls silence status routes help" -l config -d 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and not __fish_seen_subcommand_from ls silence status routes help" -l no-color -d 'Never colour the output (also honoured: the NO_COLOR environment variable)'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and not __fish_seen_subcommand_from ls silence status routes help" -s v -l verbose -d 'Log more: -v for debug, -vv for trace (to stderr)'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and not __fish_seen_subcommand_from ls silence status routes help" -s q -l quiet -d 'Log only errors; list commands print only IDs (as amtool\'s `silence query -q`)'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and not __fish_seen_subcommand_from ls silence status routes help" -s h -l help -d 'Print help'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and not __fish_seen_subcommand_from ls silence status routes help" -s V -l version -d 'Print version'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and not __fish_seen_subcommand_from ls silence status routes help" -f -a "ls" -d 'How ccmon talks HTTP to Prometheus and Alertmanager'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and not __fish_seen_subcommand_from ls silence status routes help" -f -a "silence" -d 'Create, list, expire, extend and import silences'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and not __fish_seen_subcommand_from ls silence status routes help" -f -a "status" -d 'How ccmon talks HTTP to Prometheus and Alertmanager'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and not __fish_seen_subcommand_from ls silence status routes help" -f -a "routes" -d 'Test the routing tree: which receivers an alert with given labels reaches'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and not __fish_seen_subcommand_from ls silence status routes help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from ls" -l group -d 'Group alerts as Alertmanager routes them, or with --group=LABEL by that label (as the UI does)' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from ls" -s r -l receiver -d 'Only alerts routed to receivers matching this regex' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from ls" -l silenced-by -d 'Only the alerts this silence mutes now (implies --silenced)' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from ls" -s o -l output -d 'Output format: a table for people, json or yaml for programs, wide for more columns' -r -f -a "table\t'Aligned columns (the default)'
wide\t'Aligned columns with every field'
json\t'Stable, machine-readable JSON'
yaml\t'YAML'"
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from ls" -l alertmanager-url -d 'Alertmanager base URL; repeat for an HA cluster [env: CCMON_ALERTMANAGER_URL, comma-separated] [default: http://localhost:9093]' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from ls" -l bearer-token-file -d 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from ls" -l timeout -d 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from ls" -l context -d 'Use this context of the config file instead of its `current_context`' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from ls" -l config -d 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from ls" -s a -l active -d 'Show active alerts'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from ls" -s s -l silenced -d 'Show silenced alerts'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from ls" -s i -l inhibited -d 'Show inhibited alerts'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from ls" -s u -l unprocessed -d 'Show alerts Alertmanager has not processed yet'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from ls" -l all-contexts -d 'Merge the alerts of every context of the config file (a CONTEXT column shows where each comes from); `--context a,b` merges the contexts named'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from ls" -l no-color -d 'Never colour the output (also honoured: the NO_COLOR environment variable)'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from ls" -s v -l verbose -d 'Log more: -v for debug, -vv for trace (to stderr)'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Log only errors; list commands print only IDs (as amtool\'s `silence query -q`)'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from silence" -l context -d 'Use this context of the config file instead of its `current_context`' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from silence" -l config -d 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from silence" -l no-color -d 'Never colour the output (also honoured: the NO_COLOR environment variable)'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from silence" -s v -l verbose -d 'Log more: -v for debug, -vv for trace (to stderr)'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from silence" -s q -l quiet -d 'Log only errors; list commands print only IDs (as amtool\'s `silence query -q`)'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from silence" -s h -l help -d 'Print help'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from silence" -s V -l version -d 'Print version'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from silence" -f -a "add" -d 'How ccmon talks HTTP to Prometheus and Alertmanager'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from silence" -f -a "ls" -d 'How ccmon talks HTTP to Prometheus and Alertmanager'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from silence" -f -a "expire" -d 'How ccmon talks HTTP to Prometheus and Alertmanager'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from silence" -f -a "extend" -d 'How ccmon talks HTTP to Prometheus and Alertmanager'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from silence" -f -a "import" -d 'How ccmon talks HTTP to Prometheus and Alertmanager'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from silence" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from status" -s o -l output -d 'Output format: a table for people, json or yaml for programs, wide for more columns' -r -f -a "table\t'Aligned columns (the default)'
wide\t'Aligned columns with every field'
json\t'Stable, machine-readable JSON'
yaml\t'YAML'"
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from status" -l alertmanager-url -d 'Alertmanager base URL; repeat for an HA cluster [env: CCMON_ALERTMANAGER_URL, comma-separated] [default: http://localhost:9093]' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from status" -l bearer-token-file -d 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from status" -l timeout -d 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from status" -l context -d 'Use this context of the config file instead of its `current_context`' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from status" -l config -d 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from status" -l no-color -d 'Never colour the output (also honoured: the NO_COLOR environment variable)'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from status" -s v -l verbose -d 'Log more: -v for debug, -vv for trace (to stderr)'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Log only errors; list commands print only IDs (as amtool\'s `silence query -q`)'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from routes" -l context -d 'Use this context of the config file instead of its `current_context`' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from routes" -l config -d 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from routes" -l no-color -d 'Never colour the output (also honoured: the NO_COLOR environment variable)'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from routes" -s v -l verbose -d 'Log more: -v for debug, -vv for trace (to stderr)'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from routes" -s q -l quiet -d 'Log only errors; list commands print only IDs (as amtool\'s `silence query -q`)'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from routes" -s h -l help -d 'Print help'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from routes" -s V -l version -d 'Print version'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from routes" -f -a "test" -d 'How ccmon talks HTTP to Prometheus and Alertmanager'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from routes" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from help" -f -a "ls" -d 'How ccmon talks HTTP to Prometheus and Alertmanager'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from help" -f -a "silence" -d 'Create, list, expire, extend and import silences'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from help" -f -a "status" -d 'How ccmon talks HTTP to Prometheus and Alertmanager'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from help" -f -a "routes" -d 'Test the routing tree: which receivers an alert with given labels reaches'
complete -c ccmon -n "__fish_ccmon_using_subcommand alerts; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ccmon -n "__fish_ccmon_using_subcommand scaffold" -l exporters -d 'Exporters to deploy (comma-separated); their scrape jobs, alerts and dashboard panels come and go with them' -r -f -a "node\t'node_exporter: host disk, memory, CPU'
postgres\t'postgres_exporter: the fleet\'s PostgreSQL'
blackbox\t'blackbox_exporter: HTTP probes and certificates'"
complete -c ccmon -n "__fish_ccmon_using_subcommand scaffold" -l receivers -d 'Alertmanager receivers to configure (comma-separated, at least one)' -r -f -a "email\t'Email through an SMTP smarthost'
slack\t'Slack incoming webhook'
pagerduty\t'PagerDuty Events API v2'
webhook\t'Generic webhook'"
complete -c ccmon -n "__fish_ccmon_using_subcommand scaffold" -l ccmon-host -d 'Address where Prometheus reaches `ccmon health serve`' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand scaffold" -l retention -d 'Prometheus retention (Prometheus duration)' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand scaffold" -l runbook-url -d 'Base URL of the runbooks the alerts link to (anchors are the alert names, lowercased)' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand scaffold" -l tls-hosts -d 'Names (DNS or IP) the created server certificate carries besides the service names, localhost and 127.0.0.1 (comma-separated)' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand scaffold" -l basic-auth -d 'Require HTTP basic auth as USER on Prometheus and Alertmanager; the password is read from DIR/docker/secrets/web_password (generated when absent), only its bcrypt hash is written, and every client of the stack carries it' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand scaffold" -l remote-write -d 'Send every sample to this remote-write endpoint too (Thanos Receive, Cortex, Mimir; repeatable)' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand scaffold" -l remote-write-auth -d 'Credentials for --remote-write: bearer (docker/secrets/remote_write_token) or basic (--remote-write-user, docker/secrets/remote_write_password)' -r -f -a "bearer\t'Authorization: Bearer, token from docker/secrets/remote_write_token'
basic\t'Basic auth, password from docker/secrets/remote_write_password'"
complete -c ccmon -n "__fish_ccmon_using_subcommand scaffold" -l remote-write-user -d 'User name for --remote-write-auth basic' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand scaffold" -l external-labels -d 'Labels Prometheus adds to everything it sends out (NAME=VALUE, comma-separated), e.g. cluster=eu1,replica=a as Thanos, Cortex and Mimir expect; a `replica` label is dropped from alerts so a Prometheus pair\'s alerts deduplicate' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand scaffold" -s o -l output -d 'Output format: a table for people, json or yaml for programs, wide for more columns' -r -f -a "table\t'Aligned columns (the default)'
wide\t'Aligned columns with every field'
json\t'Stable, machine-readable JSON'
yaml\t'YAML'"
complete -c ccmon -n "__fish_ccmon_using_subcommand scaffold" -l context -d 'Use this context of the config file instead of its `current_context`' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand scaffold" -l config -d 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand scaffold" -l force -d 'Overwrite files that exist and differ (without it, nothing is written and the command exits 1 when any file would be overwritten)'
complete -c ccmon -n "__fish_ccmon_using_subcommand scaffold" -l dry-run -d 'Only list what would be created, updated or left unchanged; write nothing'
complete -c ccmon -n "__fish_ccmon_using_subcommand scaffold" -l diff -d 'Show a unified diff of what would change (implies --dry-run)'
complete -c ccmon -n "__fish_ccmon_using_subcommand scaffold" -l tls -d 'Serve Prometheus, Alertmanager and Grafana over HTTPS; the certificate, its key and CA are read from DIR/docker/secrets/tls/ (ca.crt, server.crt, server.key) and created there with a local CA when none exists'
complete -c ccmon -n "__fish_ccmon_using_subcommand scaffold" -l ha -d 'Two Alertmanagers peering as a cluster (the second published on 127.0.0.1:9095); Prometheus sends to both'
complete -c ccmon -n "__fish_ccmon_using_subcommand scaffold" -l no-color -d 'Never colour the output (also honoured: the NO_COLOR environment variable)'
complete -c ccmon -n "__fish_ccmon_using_subcommand scaffold" -s v -l verbose -d 'Log more: -v for debug, -vv for trace (to stderr)'
complete -c ccmon -n "__fish_ccmon_using_subcommand scaffold" -s q -l quiet -d 'Log only errors; list commands print only IDs (as amtool\'s `silence query -q`)'
complete -c ccmon -n "__fish_ccmon_using_subcommand scaffold" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccmon -n "__fish_ccmon_using_subcommand scaffold" -s V -l version -d 'Print version'
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and not __fish_seen_subcommand_from use ls show help" -l context -d 'Use this context of the config file instead of its `current_context`' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and not __fish_seen_subcommand_from use ls show help" -l config -d 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and not __fish_seen_subcommand_from use ls show help" -l no-color -d 'Never colour the output (also honoured: the NO_COLOR environment variable)'
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and not __fish_seen_subcommand_from use ls show help" -s v -l verbose -d 'Log more: -v for debug, -vv for trace (to stderr)'
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and not __fish_seen_subcommand_from use ls show help" -s q -l quiet -d 'Log only errors; list commands print only IDs (as amtool\'s `silence query -q`)'
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and not __fish_seen_subcommand_from use ls show help" -s h -l help -d 'Print help'
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and not __fish_seen_subcommand_from use ls show help" -s V -l version -d 'Print version'
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and not __fish_seen_subcommand_from use ls show help" -f -a "use" -d 'Make NAME the current context (written to the config file, comments kept)'
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and not __fish_seen_subcommand_from use ls show help" -f -a "ls" -d '`-o`, on the commands that print results'
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and not __fish_seen_subcommand_from use ls show help" -f -a "show" -d 'PostgreSQL, for the health checks'
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and not __fish_seen_subcommand_from use ls show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and __fish_seen_subcommand_from use" -l context -d 'Use this context of the config file instead of its `current_context`' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and __fish_seen_subcommand_from use" -l config -d 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and __fish_seen_subcommand_from use" -l no-color -d 'Never colour the output (also honoured: the NO_COLOR environment variable)'
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and __fish_seen_subcommand_from use" -s v -l verbose -d 'Log more: -v for debug, -vv for trace (to stderr)'
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and __fish_seen_subcommand_from use" -s q -l quiet -d 'Log only errors; list commands print only IDs (as amtool\'s `silence query -q`)'
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and __fish_seen_subcommand_from use" -s h -l help -d 'Print help'
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and __fish_seen_subcommand_from use" -s V -l version -d 'Print version'
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and __fish_seen_subcommand_from ls" -s o -l output -d 'Output format: a table for people, json or yaml for programs, wide for more columns' -r -f -a "table\t'Aligned columns (the default)'
wide\t'Aligned columns with every field'
json\t'Stable, machine-readable JSON'
yaml\t'YAML'"
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and __fish_seen_subcommand_from ls" -l context -d 'Use this context of the config file instead of its `current_context`' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and __fish_seen_subcommand_from ls" -l config -d 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and __fish_seen_subcommand_from ls" -l no-color -d 'Never colour the output (also honoured: the NO_COLOR environment variable)'
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and __fish_seen_subcommand_from ls" -s v -l verbose -d 'Log more: -v for debug, -vv for trace (to stderr)'
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Log only errors; list commands print only IDs (as amtool\'s `silence query -q`)'
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format: a table for people, json or yaml for programs, wide for more columns' -r -f -a "table\t'Aligned columns (the default)'
wide\t'Aligned columns with every field'
json\t'Stable, machine-readable JSON'
yaml\t'YAML'"
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and __fish_seen_subcommand_from show" -l prometheus-url -d 'Prometheus base URL [env: CCMON_PROMETHEUS_URL] [default: http://localhost:9090]' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and __fish_seen_subcommand_from show" -l alertmanager-url -d 'Alertmanager base URL; repeat for an HA cluster [env: CCMON_ALERTMANAGER_URL, comma-separated] [default: http://localhost:9093]' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and __fish_seen_subcommand_from show" -l bearer-token-file -d 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and __fish_seen_subcommand_from show" -l timeout -d 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and __fish_seen_subcommand_from show" -l redis-url -d 'Redis URL: redis://, rediss:// (TLS) or redis+cluster:// [env: REDIS_URL]' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and __fish_seen_subcommand_from show" -l database-url -d 'PostgreSQL URL [env: DATABASE_URL]' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and __fish_seen_subcommand_from show" -l context -d 'Use this context of the config file instead of its `current_context`' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and __fish_seen_subcommand_from show" -l config -d 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and __fish_seen_subcommand_from show" -l no-color -d 'Never colour the output (also honoured: the NO_COLOR environment variable)'
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Log more: -v for debug, -vv for trace (to stderr)'
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Log only errors; list commands print only IDs (as amtool\'s `silence query -q`)'
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and __fish_seen_subcommand_from help" -f -a "use" -d 'Make NAME the current context (written to the config file, comments kept)'
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and __fish_seen_subcommand_from help" -f -a "ls" -d '`-o`, on the commands that print results'
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and __fish_seen_subcommand_from help" -f -a "show" -d 'PostgreSQL, for the health checks'
complete -c ccmon -n "__fish_ccmon_using_subcommand context; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and not __fish_seen_subcommand_from catalog lint help" -l context -d 'Use this context of the config file instead of its `current_context`' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and not __fish_seen_subcommand_from catalog lint help" -l config -d 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and not __fish_seen_subcommand_from catalog lint help" -l no-color -d 'Never colour the output (also honoured: the NO_COLOR environment variable)'
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and not __fish_seen_subcommand_from catalog lint help" -s v -l verbose -d 'Log more: -v for debug, -vv for trace (to stderr)'
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and not __fish_seen_subcommand_from catalog lint help" -s q -l quiet -d 'Log only errors; list commands print only IDs (as amtool\'s `silence query -q`)'
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and not __fish_seen_subcommand_from catalog lint help" -s h -l help -d 'Print help'
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and not __fish_seen_subcommand_from catalog lint help" -s V -l version -d 'Print version'
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and not __fish_seen_subcommand_from catalog lint help" -f -a "catalog" -d 'The metric catalogue the linter checks rules against'
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and not __fish_seen_subcommand_from catalog lint help" -f -a "lint" -d '`-o`, on the commands that print results'
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and not __fish_seen_subcommand_from catalog lint help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and __fish_seen_subcommand_from catalog" -l context -d 'Use this context of the config file instead of its `current_context`' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and __fish_seen_subcommand_from catalog" -l config -d 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and __fish_seen_subcommand_from catalog" -l no-color -d 'Never colour the output (also honoured: the NO_COLOR environment variable)'
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and __fish_seen_subcommand_from catalog" -s v -l verbose -d 'Log more: -v for debug, -vv for trace (to stderr)'
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and __fish_seen_subcommand_from catalog" -s q -l quiet -d 'Log only errors; list commands print only IDs (as amtool\'s `silence query -q`)'
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and __fish_seen_subcommand_from catalog" -s h -l help -d 'Print help'
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and __fish_seen_subcommand_from catalog" -s V -l version -d 'Print version'
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and __fish_seen_subcommand_from catalog" -f -a "export" -d 'How ccmon talks HTTP to Prometheus and Alertmanager'
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and __fish_seen_subcommand_from catalog" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and __fish_seen_subcommand_from lint" -l format -d 'Report format' -r -f -a "human\t'Source line and caret, for people'
json\t'An array of diagnostics'
github\t'GitHub Actions workflow annotations'
sarif\t'SARIF 2.1.0, for code scanning'
checkstyle\t'Checkstyle XML (Jenkins, Bitbucket, reviewdog)'
gitlab\t'GitLab Code Quality JSON, with a fingerprint per finding that survives line moves'"
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and __fish_seen_subcommand_from lint" -l fail-on -d 'Lowest severity that makes the command exit 1' -r -f -a "error\t'Fail on errors only'
warning\t'Fail on warnings and errors'"
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and __fish_seen_subcommand_from lint" -l min-severity -d 'Hide findings below this severity (the exit status then counts only what is shown)' -r -f -a "info\t'Show everything'
warning\t'Show warnings and errors'
error\t'Show errors only'"
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and __fish_seen_subcommand_from lint" -l lint-config -d 'Lint settings [default: .ccmon-lint.yaml found upward from the linted files]' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and __fish_seen_subcommand_from lint" -l enable-feature -d 'Enable experimental PromQL as promtool\'s flag of the same name does (promql-experimental-functions, promql-duration-expr, promql-extended-range-selectors, promql-binop-fill-modifiers)' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and __fish_seen_subcommand_from lint" -l metrics-from -d 'Add the metric families an application exposes to the catalogue: its /metrics URL or a saved copy (Prometheus text format); repeatable (10 s timeout, 64 MiB at most)' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and __fish_seen_subcommand_from lint" -l cache-ttl -d 'With --online: how long the names cached for a server serve before it is asked again' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and __fish_seen_subcommand_from lint" -l prometheus-url -d 'Prometheus base URL [env: CCMON_PROMETHEUS_URL] [default: http://localhost:9090]' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and __fish_seen_subcommand_from lint" -l bearer-token-file -d 'Read the bearer token for Prometheus and Alertmanager from FILE [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and __fish_seen_subcommand_from lint" -l timeout -d 'Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT] [default: 30s]' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and __fish_seen_subcommand_from lint" -s o -l output -d 'Output format: a table for people, json or yaml for programs, wide for more columns' -r -f -a "table\t'Aligned columns (the default)'
wide\t'Aligned columns with every field'
json\t'Stable, machine-readable JSON'
yaml\t'YAML'"
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and __fish_seen_subcommand_from lint" -l context -d 'Use this context of the config file instead of its `current_context`' -r
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and __fish_seen_subcommand_from lint" -l config -d 'Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml' -r -F
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and __fish_seen_subcommand_from lint" -l list-codes -d 'Print every check\'s code, default severity and summary, and exit'
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and __fish_seen_subcommand_from lint" -l online -d 'Also take metric names and types from the context\'s Prometheus (--prometheus-url, its credentials, TLS and headers), cached per server under $XDG_CACHE_HOME/ccmon, and report selectors whose label matchers match none of the server\'s series of the last 7 days (promql/series, at most 2,000 selectors a run). A server that does not answer is a warning, and the lint goes on with the offline catalogue'
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and __fish_seen_subcommand_from lint" -l refresh -d 'With --online: ask the server even if its cached names are fresh'
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and __fish_seen_subcommand_from lint" -l no-color -d 'Never colour the output (also honoured: the NO_COLOR environment variable)'
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and __fish_seen_subcommand_from lint" -s v -l verbose -d 'Log more: -v for debug, -vv for trace (to stderr)'
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and __fish_seen_subcommand_from lint" -s q -l quiet -d 'Log only errors; list commands print only IDs (as amtool\'s `silence query -q`)'
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and __fish_seen_subcommand_from lint" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and __fish_seen_subcommand_from lint" -s V -l version -d 'Print version'
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and __fish_seen_subcommand_from help" -f -a "catalog" -d 'The metric catalogue the linter checks rules against'
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and __fish_seen_subcommand_from help" -f -a "lint" -d '`-o`, on the commands that print results'
complete -c ccmon -n "__fish_ccmon_using_subcommand rules; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ccmon -n "__fish_ccmon_using_subcommand help; and not __fish_seen_subcommand_from completions man health stream query targets alerts scaffold context rules help" -f -a "completions" -d 'Print a shell completion script'
complete -c ccmon -n "__fish_ccmon_using_subcommand help; and not __fish_seen_subcommand_from completions man health stream query targets alerts scaffold context rules help" -f -a "man" -d 'Write man pages (ccmon.1 and one page per subcommand)'
complete -c ccmon -n "__fish_ccmon_using_subcommand help; and not __fish_seen_subcommand_from completions man health stream query targets alerts scaffold context rules help" -f -a "health" -d 'Serve health probes and metrics, or run the health checks once'
complete -c ccmon -n "__fish_ccmon_using_subcommand help; and not __fish_seen_subcommand_from completions man health stream query targets alerts scaffold context rules help" -f -a "stream" -d 'Supervise agents and record their stream-json events'
complete -c ccmon -n "__fish_ccmon_using_subcommand help; and not __fish_seen_subcommand_from completions man health stream query targets alerts scaffold context rules help" -f -a "query" -d 'How ccmon talks HTTP to Prometheus and Alertmanager'
complete -c ccmon -n "__fish_ccmon_using_subcommand help; and not __fish_seen_subcommand_from completions man health stream query targets alerts scaffold context rules help" -f -a "targets" -d 'How ccmon talks HTTP to Prometheus and Alertmanager'
complete -c ccmon -n "__fish_ccmon_using_subcommand help; and not __fish_seen_subcommand_from completions man health stream query targets alerts scaffold context rules help" -f -a "alerts" -d 'Alertmanager alerts and silences'
complete -c ccmon -n "__fish_ccmon_using_subcommand help; and not __fish_seen_subcommand_from completions man health stream query targets alerts scaffold context rules help" -f -a "scaffold" -d '`-o`, on the commands that print results'
complete -c ccmon -n "__fish_ccmon_using_subcommand help; and not __fish_seen_subcommand_from completions man health stream query targets alerts scaffold context rules help" -f -a "context" -d 'Show and switch contexts of the config file'
complete -c ccmon -n "__fish_ccmon_using_subcommand help; and not __fish_seen_subcommand_from completions man health stream query targets alerts scaffold context rules help" -f -a "rules" -d 'Lint Prometheus rule files'
complete -c ccmon -n "__fish_ccmon_using_subcommand help; and not __fish_seen_subcommand_from completions man health stream query targets alerts scaffold context rules help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ccmon -n "__fish_ccmon_using_subcommand help; and __fish_seen_subcommand_from health" -f -a "serve" -d 'PostgreSQL, for the health checks'
complete -c ccmon -n "__fish_ccmon_using_subcommand help; and __fish_seen_subcommand_from health" -f -a "check" -d 'PostgreSQL, for the health checks'
complete -c ccmon -n "__fish_ccmon_using_subcommand help; and __fish_seen_subcommand_from stream" -f -a "watch" -d 'Redis, for `stream` and the health server\'s fleet view and checks'
complete -c ccmon -n "__fish_ccmon_using_subcommand help; and __fish_seen_subcommand_from stream" -f -a "ingest" -d 'Redis, for `stream` and the health server\'s fleet view and checks'
complete -c ccmon -n "__fish_ccmon_using_subcommand help; and __fish_seen_subcommand_from stream" -f -a "tail" -d 'Redis, for `stream` and the health server\'s fleet view and checks'
complete -c ccmon -n "__fish_ccmon_using_subcommand help; and __fish_seen_subcommand_from stream" -f -a "ls" -d 'Redis, for `stream` and the health server\'s fleet view and checks'
complete -c ccmon -n "__fish_ccmon_using_subcommand help; and __fish_seen_subcommand_from stream" -f -a "report" -d 'Redis, for `stream` and the health server\'s fleet view and checks'
complete -c ccmon -n "__fish_ccmon_using_subcommand help; and __fish_seen_subcommand_from stream" -f -a "flush" -d 'Redis, for `stream` and the health server\'s fleet view and checks'
complete -c ccmon -n "__fish_ccmon_using_subcommand help; and __fish_seen_subcommand_from query" -f -a "range" -d 'How ccmon talks HTTP to Prometheus and Alertmanager'
complete -c ccmon -n "__fish_ccmon_using_subcommand help; and __fish_seen_subcommand_from alerts" -f -a "ls" -d 'How ccmon talks HTTP to Prometheus and Alertmanager'
complete -c ccmon -n "__fish_ccmon_using_subcommand help; and __fish_seen_subcommand_from alerts" -f -a "silence" -d 'Create, list, expire, extend and import silences'
complete -c ccmon -n "__fish_ccmon_using_subcommand help; and __fish_seen_subcommand_from alerts" -f -a "status" -d 'How ccmon talks HTTP to Prometheus and Alertmanager'
complete -c ccmon -n "__fish_ccmon_using_subcommand help; and __fish_seen_subcommand_from alerts" -f -a "routes" -d 'Test the routing tree: which receivers an alert with given labels reaches'
complete -c ccmon -n "__fish_ccmon_using_subcommand help; and __fish_seen_subcommand_from context" -f -a "use" -d 'Make NAME the current context (written to the config file, comments kept)'
complete -c ccmon -n "__fish_ccmon_using_subcommand help; and __fish_seen_subcommand_from context" -f -a "ls" -d '`-o`, on the commands that print results'
complete -c ccmon -n "__fish_ccmon_using_subcommand help; and __fish_seen_subcommand_from context" -f -a "show" -d 'PostgreSQL, for the health checks'
complete -c ccmon -n "__fish_ccmon_using_subcommand help; and __fish_seen_subcommand_from rules" -f -a "catalog" -d 'The metric catalogue the linter checks rules against'
complete -c ccmon -n "__fish_ccmon_using_subcommand help; and __fish_seen_subcommand_from rules" -f -a "lint" -d '`-o`, on the commands that print results'
