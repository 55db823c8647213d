-- Wireshark/tshark dissector for dmsc:
--   * "dmsc": the DMSC data packet (docs/wire-format.md §4), over Ethernet (EtherType 0x88B5)
--     and UDP (port 6464), both preferences;
--   * "dmsc_sp": our Service Prefix sub-TLVs inside IS-IS TLV 251 GENINFO, application 0x0D35
--     (docs/service-prefix-tlv.md). tshark 4.0 has no IS-IS TLV dissector table (only
--     "isis.type", by PDU type), so a postdissector walks the TLVs of every IS-IS LSP itself.
--
-- Use:  tshark -X lua_script:tools/wireshark/dmsc.lua -r FILE   (or copy to
--       ~/.local/lib/wireshark/plugins/). See tools/wireshark/README.md.
--
-- Bad input must never raise a Lua error: every octet is read from a string copied once from
-- the tvb, every offset is checked against that string's length, and tree items are added only
-- over ranges already checked.

local MAX_COMPONENTS = 32

-- Arithmetic, not bit operators: Wireshark 4.0 runs Lua 5.2 (no & or >>), later ones Lua 5.4
-- (no bit32).
local function has_bit(value, mask) return math.floor(value / mask) % 2 == 1 end

-- Text form of wire[first, last] (1-based, inclusive), docs/wire-format.md §3.2.
-- Returns text, error (nil, or "empty component", "component overrun", "too many components").
-- On error the text holds the components before the fault and then " [malformed: ERROR]", so
-- that a filter such as dmsc.dst == "/svc" never matches a broken name.
local function name_text(wire, first, last)
    local parts, at = {}, first
    local function broken(err) return "/" .. table.concat(parts, "/") .. " [malformed: " .. err .. "]", err end
    while at <= last do
        local length = wire:byte(at)
        if length == 0 then return broken("empty component") end
        if at + length > last then return broken("component overrun") end
        local component = wire:sub(at + 1, at + length):gsub("[^A-Za-z0-9%-%._~]", function(c)
            return string.format("%%%02X", c:byte())
        end)
        parts[#parts + 1] = component
        if #parts > MAX_COMPONENTS then return broken("too many components") end
        at = at + 1 + length
    end
    return "/" .. table.concat(parts, "/"), nil
end

local function u16(s, at) return s:byte(at) * 256 + s:byte(at + 1) end
local function u32(s, at) return ((s:byte(at) * 256 + s:byte(at + 1)) * 256 + s:byte(at + 2)) * 256 + s:byte(at + 3) end

----------------------------------------------------------------------------------------------
-- The DMSC data packet
----------------------------------------------------------------------------------------------

local dmsc = Proto("dmsc", "DMSC Data Packet")

local packet_types = { [0] = "Reserved", [1] = "Request", [2] = "Response", [3] = "Probe",
                       [4] = "Probe Reply", [5] = "Error" }
local error_reasons = { [1] = "no_route", [2] = "hop_limit_exceeded", [3] = "packet_too_big",
                        [4] = "administratively_prohibited" }

local f = {
    version = ProtoField.uint8("dmsc.version", "Version", base.DEC, nil, 0xF0),
    type = ProtoField.uint8("dmsc.type", "Type", base.DEC, packet_types, 0x0F),
    flags = ProtoField.uint8("dmsc.flags", "Flags", base.HEX),
    affinity = ProtoField.bool("dmsc.flags.affinity", "Affinity (A)", 8, nil, 0x80),
    reserved = ProtoField.uint8("dmsc.flags.reserved", "Reserved", base.HEX, nil, 0x7F),
    hop_limit = ProtoField.uint8("dmsc.hop_limit", "Hop Limit", base.DEC),
    header_length = ProtoField.uint8("dmsc.header_length", "Header Length (4-octet units)", base.DEC),
    flow_key = ProtoField.uint32("dmsc.flow_key", "Flow Key", base.HEX),
    payload_length = ProtoField.uint16("dmsc.payload_length", "Payload Length", base.DEC),
    dst_len = ProtoField.uint8("dmsc.dst_len", "Dst Name Len", base.DEC),
    src_len = ProtoField.uint8("dmsc.src_len", "Src Name Len", base.DEC),
    dst = ProtoField.string("dmsc.dst", "Destination Name"),
    src = ProtoField.string("dmsc.src", "Source Name"),
    component = ProtoField.bytes("dmsc.component", "Component"),
    padding = ProtoField.bytes("dmsc.padding", "Padding"),
    payload = ProtoField.bytes("dmsc.payload", "Payload"),
    malformed = ProtoField.string("dmsc.malformed", "Drop reason (docs/wire-format.md §7.1)"),
    err_reason = ProtoField.uint8("dmsc.error.reason", "Error Reason Code", base.DEC, error_reasons),
    err_detail = ProtoField.uint16("dmsc.error.detail", "Error Detail", base.DEC),
}
dmsc.fields = f

local function new_expert(abbrev, text, group, severity)
    return ProtoExpert.new(abbrev, text, group or expert.group.MALFORMED, severity or expert.severity.ERROR)
end
local e = {
    truncated_header = new_expert("dmsc.truncated_header", "Header truncated (truncated_header)"),
    bad_version = new_expert("dmsc.bad_version", "Unknown version (bad_version)"),
    bad_packet_type = new_expert("dmsc.bad_packet_type", "Reserved or unassigned type (bad_packet_type)"),
    empty_destination = new_expert("dmsc.empty_destination", "Dst Name Len is 0 (empty_destination)"),
    bad_header_length = new_expert("dmsc.bad_header_length", "Header Length disagrees with the name lengths (bad_header_length)"),
    bad_padding = new_expert("dmsc.bad_padding", "Padding octet not zero (bad_padding)"),
    name_overrun = new_expert("dmsc.name_overrun", "Name runs past the header or the packet"),
    empty_component = new_expert("dmsc.empty_component", "Name has an empty component"),
    component_overrun = new_expert("dmsc.component_overrun", "Name component runs past the name"),
    too_many_components = new_expert("dmsc.too_many_components", "Name has more than 32 components"),
    truncated_payload = new_expert("dmsc.truncated_payload", "Payload Length runs past the packet (truncated_payload)"),
    reserved_flags = new_expert("dmsc.reserved_flags_set", "Reserved flag bits set (ignored by receivers)",
                            expert.group.PROTOCOL, expert.severity.NOTE),
    hop_limit_low = new_expert("dmsc.hop_limit_low", "Hop Limit 0 or 1: a forwarding node drops this packet",
                           expert.group.SEQUENCE, expert.severity.NOTE),
}
dmsc.experts = { e.truncated_header, e.bad_version, e.bad_packet_type, e.empty_destination,
                 e.bad_header_length, e.bad_padding, e.name_overrun, e.empty_component,
                 e.component_overrun, e.too_many_components, e.truncated_payload,
                 e.reserved_flags, e.hop_limit_low }

local name_experts = { ["empty component"] = e.empty_component,
                       ["component overrun"] = e.component_overrun,
                       ["too many components"] = e.too_many_components }

-- Adds one name (0-based offset in tvb, `length` octets, all captured) with its components.
-- Returns the name's error or nil.
local function add_name(tree, field, tvb, s, offset, length, what)
    if length == 0 then
        tree:add(field, tvb(offset, 0), "/")
        return nil
    end
    local text, err = name_text(s, offset + 1, offset + length)
    local item = tree:add(field, tvb(offset, length), text)
    local at = offset
    while at < offset + length do
        local clen = s:byte(at + 1)
        if clen == 0 or at + 1 + clen > offset + length then break end
        item:add(f.component, tvb(at + 1, clen))
        at = at + 1 + clen
    end
    if err then item:add_proto_expert_info(name_experts[err], what .. ": " .. err) end
    return err
end

local data_dissector = Dissector.get("data")

function dmsc.dissector(tvb, pinfo, tree)
    local caplen = tvb:len()
    local s = caplen > 0 and tvb:raw(0, caplen) or ""
    pinfo.cols.protocol = "DMSC"
    local root = caplen > 0 and tree:add(dmsc, tvb()) or tree:add(dmsc)
    local reason  -- the first failed check of docs/wire-format.md §4.3
    local function fail(name) reason = reason or name end

    if caplen < 12 then
        fail("truncated_header")
        root:add_proto_expert_info(e.truncated_header, string.format("Only %d octets: the fixed header has 12", caplen))
        root:add(f.malformed, reason):set_generated()
        pinfo.cols.info = "DMSC malformed (truncated_header)"
        return caplen
    end

    local version, ptype = math.floor(s:byte(1) / 16), s:byte(1) % 16
    local flags, hop_limit, hlen = s:byte(2), s:byte(3), s:byte(4)
    local plen, dlen, slen = u16(s, 9), s:byte(11), s:byte(12)
    local names_end = 12 + dlen + slen
    local expected_hlen = names_end + (4 - names_end % 4) % 4

    local item = root:add(f.version, tvb(0, 1))
    if version ~= 1 then
        fail("bad_version")
        item:add_proto_expert_info(e.bad_version, string.format("Version %d: this dissector knows version 1", version))
    end
    item = root:add(f.type, tvb(0, 1))
    if ptype < 1 or ptype > 5 then
        fail("bad_packet_type")
        item:add_proto_expert_info(e.bad_packet_type, string.format("Type %d is reserved or unassigned", ptype))
    end
    local flags_item = root:add(f.flags, tvb(1, 1))
    flags_item:add(f.affinity, tvb(1, 1))
    flags_item:add(f.reserved, tvb(1, 1))
    if flags % 128 ~= 0 then flags_item:add_proto_expert_info(e.reserved_flags) end
    item = root:add(f.hop_limit, tvb(2, 1))
    if hop_limit <= 1 then item:add_proto_expert_info(e.hop_limit_low) end
    local hlen_item = root:add(f.header_length, tvb(3, 1))
    hlen_item:append_text(string.format(" (%d octets)", hlen * 4))
    root:add(f.flow_key, tvb(4, 4))
    local plen_item = root:add(f.payload_length, tvb(8, 2))
    item = root:add(f.dst_len, tvb(10, 1))
    if dlen == 0 then
        fail("empty_destination")
        item:add_proto_expert_info(e.empty_destination)
    end
    root:add(f.src_len, tvb(11, 1))

    if hlen * 4 ~= expected_hlen then
        fail("bad_header_length")
        hlen_item:add_proto_expert_info(e.bad_header_length, string.format(
            "Header Length %d (%d octets), but 12 + %d + %d rounds up to %d octets", hlen, hlen * 4, dlen, slen, expected_hlen))
        if names_end > hlen * 4 then
            hlen_item:add_proto_expert_info(e.name_overrun, string.format(
                "The names end at octet %d, past the header's %d octets", names_end, hlen * 4))
        end
    end
    if caplen < hlen * 4 then
        fail("truncated_header")
        hlen_item:add_proto_expert_info(e.truncated_header, string.format(
            "Header Length says %d octets, the packet has %d", hlen * 4, caplen))
    end

    -- The names, as far as the packet holds them.
    local dst_text, src_text
    if 12 + dlen > caplen then
        root:add_proto_expert_info(e.name_overrun, string.format(
            "Destination Name (%d octets) runs past the packet (%d octets)", dlen, caplen))
        fail("truncated_header")
    else
        local err = add_name(root, f.dst, tvb, s, 12, dlen, "Destination Name")
        if err then fail("bad_destination_name") end
        dst_text = name_text(s, 13, 12 + dlen)
        if names_end > caplen then
            root:add_proto_expert_info(e.name_overrun, string.format(
                "Source Name (%d octets) runs past the packet (%d octets)", slen, caplen))
            fail("truncated_header")
        else
            local serr = add_name(root, f.src, tvb, s, 12 + dlen, slen, "Source Name")
            if serr then fail("bad_source_name") end
            src_text = name_text(s, 13 + dlen, names_end)
        end
    end

    -- Padding, then the payload. With a wrong Header Length the names decide where the header
    -- ends, as a sender would have written it.
    local header_end = math.min(expected_hlen, caplen)
    if header_end > names_end then
        local pad_item = root:add(f.padding, tvb(names_end, header_end - names_end))
        for at = names_end + 1, header_end do
            if s:byte(at) ~= 0 then
                fail("bad_padding")
                pad_item:add_proto_expert_info(e.bad_padding)
                break
            end
        end
    end
    local consumed = header_end
    if expected_hlen <= caplen then
        local available = caplen - header_end
        if plen > available then
            fail("truncated_payload")
            plen_item:add_proto_expert_info(e.truncated_payload, string.format(
                "Payload Length %d, but only %d octets follow the header", plen, available))
        end
        local shown = math.min(plen, available)
        if shown > 0 then
            root:add(f.payload, tvb(header_end, shown))
            if ptype == 5 and shown >= 4 then
                local reason_code = tvb(header_end, 1):uint()
                local err_tree = root:add(f.err_reason, tvb(header_end, 1))
                root:add(f.err_detail, tvb(header_end + 2, 2))
                if not error_reasons[reason_code] then err_tree:append_text(" (unknown)") end
            end
            data_dissector:call(tvb(header_end, shown):tvb(), pinfo, tree)
        end
        consumed = header_end + shown
    end

    root:append_text(string.format(", %s %s -> %s, Hop Limit %d", packet_types[ptype] or ("type " .. ptype),
                                   src_text or "?", dst_text or "?", hop_limit))
    if reason then
        root:add(f.malformed, reason):set_generated()
        pinfo.cols.info = string.format("DMSC malformed (%s)", reason)
    else
        pinfo.cols.info = string.format("DMSC %s %s -> %s hop %d flow 0x%08x len %d",
                                        packet_types[ptype], src_text, dst_text, hop_limit, u32(s, 5), plen)
    end
    return consumed
end

dmsc.prefs.ethertype = Pref.uint("EtherType", 0x88B5,
    "EtherType of DMSC directly over Ethernet (decimal; default 34997 = 0x88B5)")
dmsc.prefs.udp_port = Pref.uint("UDP port", 6464, "UDP destination port of DMSC over UDP (default 6464)")

local registered = {}
local function register_ports()
    local ethertype_table, udp_table = DissectorTable.get("ethertype"), DissectorTable.get("udp.port")
    if registered.ethertype then ethertype_table:remove(registered.ethertype, dmsc) end
    if registered.udp_port then udp_table:remove(registered.udp_port, dmsc) end
    registered.ethertype, registered.udp_port = dmsc.prefs.ethertype, dmsc.prefs.udp_port
    ethertype_table:add(registered.ethertype, dmsc)
    udp_table:add(registered.udp_port, dmsc)
end
dmsc.prefs_changed = register_ports
register_ports()

----------------------------------------------------------------------------------------------
-- Service Prefix sub-TLVs in IS-IS TLV 251 (GENINFO, RFC 6823), application 0x0D35
----------------------------------------------------------------------------------------------

local dmsc_sp = Proto("dmsc_sp", "DMSC Service Prefix")
local APP_ID = 0x0D35
local MAX_METRIC = 0xFE000000

local sp = {
    geninfo_flags = ProtoField.uint8("dmsc_sp.geninfo_flags", "GENINFO Flags", base.HEX),
    flag_s = ProtoField.bool("dmsc_sp.geninfo_flags.s", "S (flood across levels)", 8, nil, 0x01),
    flag_d = ProtoField.bool("dmsc_sp.geninfo_flags.d", "D (leaked down)", 8, nil, 0x02),
    flag_i = ProtoField.bool("dmsc_sp.geninfo_flags.i", "I (IPv4 address)", 8, nil, 0x04),
    flag_v = ProtoField.bool("dmsc_sp.geninfo_flags.v", "V (IPv6 address)", 8, nil, 0x08),
    app_id = ProtoField.uint16("dmsc_sp.app_id", "Application ID", base.HEX),
    ipv4 = ProtoField.ipv4("dmsc_sp.ipv4", "IPv4 address"),
    ipv6 = ProtoField.ipv6("dmsc_sp.ipv6", "IPv6 address"),
    subtlv_type = ProtoField.uint8("dmsc_sp.subtlv.type", "Sub-TLV Type", base.DEC, { [1] = "Service Prefix" }),
    subtlv_len = ProtoField.uint8("dmsc_sp.subtlv.length", "Sub-TLV Length", base.DEC),
    subtlv_value = ProtoField.bytes("dmsc_sp.subtlv.value", "Sub-TLV Value"),
    flags = ProtoField.uint8("dmsc_sp.flags", "Flags", base.HEX),
    anycast = ProtoField.bool("dmsc_sp.anycast", "Anycast (A)", 8, nil, 0x01),
    metric = ProtoField.uint32("dmsc_sp.metric", "Metric", base.DEC),
    name_len = ProtoField.uint8("dmsc_sp.name_len", "Name Length", base.DEC),
    name = ProtoField.string("dmsc_sp.name", "Name"),
    subsub_type = ProtoField.uint8("dmsc_sp.subsubtlv.type", "Sub-sub-TLV Type", base.DEC),
    subsub_len = ProtoField.uint8("dmsc_sp.subsubtlv.length", "Sub-sub-TLV Length", base.DEC),
    untrusted = ProtoField.bytes("dmsc_sp.dropped", "Dropped octets (framing not trusted)"),
}
dmsc_sp.fields = sp

local spe = {
    short_tlv = new_expert("dmsc_sp.short_tlv", "GENINFO TLV too short for its flags, application and addresses"),
    subtlv_overrun = new_expert("dmsc_sp.subtlv_overrun", "Sub-TLV runs past its GENINFO TLV"),
    short_prefix = new_expert("dmsc_sp.short_prefix", "Service Prefix sub-TLV shorter than flags, metric and name length"),
    name_overrun = new_expert("dmsc_sp.name_overrun", "Name runs past its sub-TLV"),
    bad_name = new_expert("dmsc_sp.bad_name", "Malformed name"),
    metric_too_large = new_expert("dmsc_sp.metric_too_large", "Metric above 0xFE000000"),
    subsub_overrun = new_expert("dmsc_sp.subsubtlv_overrun", "Sub-sub-TLV runs past its sub-TLV"),
    dropped = new_expert("dmsc_sp.dropped_after_malformed",
                     "Dropped with the malformed sub-TLV before it (docs/service-prefix-tlv.md §3.2)",
                     expert.group.MALFORMED, expert.severity.WARN),
    unknown = new_expert("dmsc_sp.unknown_subtlv", "Unknown sub-TLV: skipped", expert.group.UNDECODED, expert.severity.NOTE),
    reserved_flags = new_expert("dmsc_sp.reserved_flags_set", "Reserved Service Prefix flag bits set (ignored)",
                            expert.group.PROTOCOL, expert.severity.NOTE),
}
dmsc_sp.experts = { spe.short_tlv, spe.subtlv_overrun, spe.short_prefix, spe.name_overrun, spe.bad_name,
                    spe.metric_too_large, spe.subsub_overrun, spe.dropped, spe.unknown, spe.reserved_flags }

-- One Service Prefix sub-TLV value at 0-based tvb offset `at`, `length` octets (in bounds).
-- Returns true when well formed. `s` holds the frame from tvb offset 0.
local function add_service_prefix(tree, tvb, s, at, length)
    if length < 6 then
        tree:add_proto_expert_info(spe.short_prefix, string.format("Service Prefix value of %d octets: at least 6 needed", length))
        return false
    end
    local flags_item = tree:add(sp.flags, tvb(at, 1))
    flags_item:add(sp.anycast, tvb(at, 1))
    if s:byte(at + 1) >= 2 then flags_item:add_proto_expert_info(spe.reserved_flags) end
    local metric_item = tree:add(sp.metric, tvb(at + 1, 4))
    local metric = u32(s, at + 2)
    local name_len = s:byte(at + 6)
    local len_item = tree:add(sp.name_len, tvb(at + 5, 1))
    if 6 + name_len > length then
        len_item:add_proto_expert_info(spe.name_overrun, string.format(
            "Name of %d octets, but only %d remain in the sub-TLV", name_len, length - 6))
        return false
    end
    local text, err = "/", nil
    if name_len > 0 then text, err = name_text(s, at + 7, at + 6 + name_len) end
    local name_item = tree:add(sp.name, tvb(at + 6, name_len), text)
    tree:append_text(": " .. text .. ", metric " .. metric .. (has_bit(s:byte(at + 1), 1) and ", anycast" or ""))
    if err then
        name_item:add_proto_expert_info(spe.bad_name, "Malformed name: " .. err)
        return false
    end
    if metric > MAX_METRIC then
        metric_item:add_proto_expert_info(spe.metric_too_large, string.format("Metric 0x%08X above 0xFE000000", metric))
        return false
    end
    local sub, stop = at + 6 + name_len, at + length
    while sub < stop do
        if sub + 2 > stop or sub + 2 + s:byte(sub + 2) > stop then
            tree:add(sp.untrusted, tvb(sub, stop - sub)):add_proto_expert_info(spe.subsub_overrun)
            return false
        end
        local sublen = s:byte(sub + 2)
        local subtree = tree:add(dmsc_sp, tvb(sub, 2 + sublen), "Per-prefix sub-sub-TLV")
        subtree:add(sp.subsub_type, tvb(sub, 1))
        subtree:add(sp.subsub_len, tvb(sub + 1, 1))
        subtree:add_proto_expert_info(spe.unknown, "No per-prefix sub-sub-TLV is defined yet: skipped")
        sub = sub + 2 + sublen
    end
    return true
end

-- One GENINFO TLV: `at` = 0-based offset of its type octet; its value has `length` octets.
-- Returns the number of Service Prefixes decoded, or nil when the TLV is not ours.
local function add_geninfo(tree, tvb, s, at, length)
    local value = at + 2
    if length < 3 or u16(s, value + 2) ~= APP_ID then return nil end
    local root = tree:add(dmsc_sp, tvb(at, 2 + length))
    local flags = s:byte(value + 1)
    local flags_item = root:add(sp.geninfo_flags, tvb(value, 1))
    flags_item:add(sp.flag_s, tvb(value, 1))
    flags_item:add(sp.flag_d, tvb(value, 1))
    flags_item:add(sp.flag_i, tvb(value, 1))
    flags_item:add(sp.flag_v, tvb(value, 1))
    root:add(sp.app_id, tvb(value + 1, 2))
    local sub, stop = value + 3, value + length
    local addresses = (has_bit(flags, 4) and 4 or 0) + (has_bit(flags, 8) and 16 or 0)
    if sub + addresses > stop then
        root:add_proto_expert_info(spe.short_tlv, string.format(
            "Flags announce %d address octets, only %d remain", addresses, stop - sub))
        return 0
    end
    if has_bit(flags, 4) then root:add(sp.ipv4, tvb(sub, 4)); sub = sub + 4 end
    if has_bit(flags, 8) then root:add(sp.ipv6, tvb(sub, 16)); sub = sub + 16 end
    local count = 0
    while sub < stop do
        local ok = false
        local stype = s:byte(sub + 1)
        if sub + 2 > stop or sub + 2 + s:byte(sub + 2) > stop then
            local item = root:add(sp.untrusted, tvb(sub, stop - sub))
            item:add_proto_expert_info(spe.subtlv_overrun, string.format(
                "Sub-TLV at offset %d runs past its GENINFO TLV (%d octets remain)", sub - value, stop - sub))
            break
        end
        local slen = s:byte(sub + 2)
        local subtree = root:add(dmsc_sp, tvb(sub, 2 + slen), stype == 1 and "Service Prefix" or "Sub-TLV")
        subtree:add(sp.subtlv_type, tvb(sub, 1))
        subtree:add(sp.subtlv_len, tvb(sub + 1, 1))
        if stype == 1 then
            ok = add_service_prefix(subtree, tvb, s, sub + 2, slen)
            if ok then count = count + 1 end
        else
            if slen > 0 then subtree:add(sp.subtlv_value, tvb(sub + 2, slen)) end
            subtree:add_proto_expert_info(spe.unknown, string.format("Unknown sub-TLV type %d: skipped", stype))
            ok = true
        end
        sub = sub + 2 + slen
        if not ok then
            if sub < stop then
                root:add(sp.untrusted, tvb(sub, stop - sub)):add_proto_expert_info(spe.dropped)
            end
            break
        end
    end
    root:append_text(string.format(", application 0x%04X, %d prefix%s", APP_ID, count, count == 1 and "" or "es"))
    return count
end

local isis_irpd = Field.new("isis.irpd")

function dmsc_sp.dissector(tvb, pinfo, tree)
    local irpds = { isis_irpd() }
    if #irpds == 0 then return end
    local caplen = tvb:len()
    local s
    local total = 0
    for _, fi in ipairs(irpds) do
        -- The offset of the IS-IS header in the frame; checked, not trusted.
        local base_off = fi.offset
        if base_off and base_off >= 0 and base_off + 27 <= caplen then
            s = s or tvb:raw(0, caplen)
            local pdu_type = s:byte(base_off + 5) % 32
            local li = s:byte(base_off + 2)
            if s:byte(base_off + 1) == 0x83 and (pdu_type == 18 or pdu_type == 20) and li == 27 then
                local pdu_end = math.min(base_off + u16(s, base_off + 9), caplen)
                local at = base_off + li
                while at + 2 <= pdu_end do
                    local ttype, tlen = s:byte(at + 1), s:byte(at + 2)
                    if at + 2 + tlen > pdu_end then break end  -- the isis dissector reports it
                    if ttype == 251 then
                        local n = add_geninfo(tree, tvb, s, at, tlen)
                        if n then total = total + n end
                    end
                    at = at + 2 + tlen
                end
            end
        end
    end
    if total > 0 then pinfo.cols.info:append(string.format(" [DMSC: %d service prefix%s]", total, total == 1 and "" or "es")) end
end

register_postdissector(dmsc_sp)
