/// The simulator's `show application`: a selection of FreeSWITCH's dialplan applications (mod_dptools
/// and friends) with their descriptions and syntax, as `name,description,syntax,ikey` rows.
enum ShowApplication {
    static let columns = "name,description,syntax,ikey"

    static let rows: [[String]] = [
        ["answer", "Answer the call", "", "mod_dptools"],
        ["bridge", "Bridge Audio", "<channel_url>", "mod_dptools"],
        ["conference", "Conference", "<conference name>[@<profile>][+<pin>][+flags{mute|deaf|...}]", "mod_conference"],
        ["echo", "Echo", "", "mod_dptools"],
        ["eval", "Do Nothing", "", "mod_dptools"],
        ["export", "Export a channel variable across a bridge", "<varname>=<value>", "mod_dptools"],
        ["hangup", "Hangup the call", "[<cause>]", "mod_dptools"],
        ["info", "Display Call Info", "", "mod_dptools"],
        ["log", "Logs to the logger", "<log_level> <log_string>", "mod_dptools"],
        ["multiset", "Set many channel variables", "[^^<delim>]<varname>=<value> <var2>=<val2>", "mod_dptools"],
        ["park", "Park", "", "mod_dptools"],
        ["play_and_get_digits", "Play and get Digits", "<min> <max> <tries> <timeout> <terminators> <file> <invalid_file> <var_name> <regexp> [<digit_timeout>] ['<failure_ext> [failure_dp [failure_context]]']", "mod_dptools"],
        ["playback", "Playback File", "<path>", "mod_dptools"],
        ["pre_answer", "Pre-Answer the call", "", "mod_dptools"],
        ["read", "Read Digits", "<min> <max> <file> <var_name> <timeout> <terminators> <digit_timeout>", "mod_dptools"],
        ["record", "Record File", "<path> [<time_limit_secs>] [<silence_thresh>] [<silence_hits>]", "mod_dptools"],
        ["record_session", "Record Session", "<path> [+<timeout>] [{var1=x,var2=y}]", "mod_dptools"],
        ["ring_ready", "Indicate Ring_Ready", "", "mod_dptools"],
        ["say", "say", "<module_name>[:<lang>] <say_type> <say_method> [<say_gender>] <text>", "mod_dptools"],
        ["send_dtmf", "Send dtmf to be sent", "<dtmf_data>", "mod_dptools"],
        ["set", "Set a channel variable", "<varname>=<value>", "mod_dptools"],
        ["sleep", "Pause a channel", "<pausemilliseconds>", "mod_dptools"],
        ["socket", "Connect to a socket", "<ip>[:<port>]", "mod_event_socket"],
        ["speak", "Speak text", "<engine>|<voice>|<text>", "mod_dptools"],
        ["start_dtmf", "Detect dtmf", "", "mod_dptools"],
        ["stop_dtmf", "stop inband dtmf", "", "mod_dptools"],
        ["transfer", "Transfer a channel", "<exten> [<dialplan> <context>]", "mod_dptools"],
        ["unset", "Unset a channel variable", "<varname>", "mod_dptools"],
        ["voicemail", "Voicemail", "[check] [auth] <profile_name> <domain_name> [<id>] [uuid]", "mod_voicemail"],
    ]
}
