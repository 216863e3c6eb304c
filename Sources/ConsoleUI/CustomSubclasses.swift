/// CUSTOM event subclasses fired by FreeSWITCH's own modules (their `#define MY_EVENT_…` names and
/// `switch_event_reserve_subclass` calls), for completing `/event … CUSTOM <subclass>`. The switch has
/// no command that lists them, so the console adds every subclass it has seen in the stream.
public enum CustomSubclasses {
    public static let known = [
        // mod_sofia
        "sofia::register", "sofia::pre_register", "sofia::register_attempt", "sofia::register_failure",
        "sofia::unregister", "sofia::expire", "sofia::gateway_state", "sofia::gateway_add", "sofia::gateway_delete",
        "sofia::notify_refer", "sofia::reinvite", "sofia::recovery_recv", "sofia::recovery_send",
        "sofia::recovery_recovered", "sofia::error", "sofia::profile_start", "sofia::bye_response",
        "sofia::intercepted", "sofia::sip_user_state", "sofia::wrong_call_state",
        // mod_conference, mod_callcenter, mod_fifo, mod_valet_parking, mod_voicemail
        "conference::maintenance", "conference::cdr", "callcenter::info", "fifo::info", "valet_parking::info",
        "vm::maintenance",
        // mod_spandsp (fax)
        "spandsp::txfaxresult", "spandsp::rxfaxresult", "spandsp::txfaxpageresult", "spandsp::rxfaxpageresult",
        "spandsp::txfaxnegociateresult", "spandsp::rxfaxnegociateresult",
        // mod_verto, mod_avmd, mod_loopback, multicast
        "verto::client_connect", "verto::client_disconnect", "verto::login",
        "avmd::beep", "avmd::start", "avmd::stop", "loopback::bowout", "loopback::direct", "multicast::event",
    ]
}
