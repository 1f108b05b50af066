#include "fax/send_dial.hpp"

#include "esl/dial_string.hpp"

namespace fax::fax {

core::Result<std::string> originate_argument(const DialOptions& opts, const std::string& gateway,
                                             const std::string& uuid) {
    const auto& r = opts.req;
    const bool t38 = r.t38 && !opts.fallback_active;
    const bool t38_request = r.t38_request && !opts.fallback_active;
    auto tf = [](bool v) { return std::string(v ? "true" : "false"); };
    esl::FaxDial d;
    d.vars.push_back({"ignore_early_media", "true"});
    if (!r.cid_number.empty()) {
        d.vars.push_back({"origination_caller_id_number", r.cid_number});
    }
    if (!r.cid_name.empty()) {
        d.vars.push_back({"origination_caller_id_name", r.cid_name});
    }
    if (!r.ident.empty()) {
        d.vars.push_back({"fax_ident", r.ident});
    }
    if (!r.header.empty()) {
        d.vars.push_back({"fax_header", r.header});
    }
    d.vars.push_back({"fax_use_ecm", tf(r.ecm)});
    d.vars.push_back({"fax_disable_v17", tf(r.disable_v17)});
    d.vars.push_back({"fax_enable_t38", tf(t38)});
    d.vars.push_back({"fax_enable_t38_request", tf(t38_request)});
    d.vars.push_back({"fax_verbose", tf(r.verbose)});
    if (r.ring_timeout.count() > 0) {
        d.vars.push_back({"originate_timeout", std::to_string(r.ring_timeout.count())});
    }
    for (const auto& [name, value] : opts.overrides) {
        esl::set_dial_var(d.vars, name, value);
    }
    d.legs.push_back({gateway, r.number, {{"origination_uuid", uuid}}});
    d.file = r.document;
    return esl::build_fax_originate(d);
}

}  // namespace fax::fax
