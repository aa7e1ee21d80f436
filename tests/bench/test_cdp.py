"""bench.cdp: bytes on the wire and script runs from recorded DevTools events (no browser needed)."""

from __future__ import annotations

import base64

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.cdp import FORWARD_MSG_FIELDS, SCRIPT_FINISHED_OK, NetworkLog, script_runs, top_level_fields, wire_summary


def _response(log: NetworkLog, rid: str, url: str, kind: str, headers: dict[str, str], encoded: float) -> None:
    """Feed the log the two events CDP sends for one finished HTTP load."""
    log._response({"requestId": rid, "type": kind, "response": {"url": url, "headers": headers}})
    log._finished({"requestId": rid, "encodedDataLength": encoded})


def _frame(message: ForwardMsg, timestamp: float) -> dict:
    payload = base64.b64encode(message.SerializeToString()).decode()
    return {"timestamp": timestamp, "response": {"opcode": 2, "payloadData": payload}}


def test_the_wire_summary_sums_encoded_bytes_and_reads_the_script_headers_whatever_their_case():
    log = NetworkLog()
    _response(log, "1", "http://h/talent?talent=1", "Document", {"Content-Type": "text/html"}, 1_200)
    _response(log, "2", "http://h/static/js/index.abc.js", "Script",
              {"content-encoding": "gzip", "Cache-Control": "public, max-age=31536000"}, 300_000)
    _response(log, "3", "http://h/static/js/plotly.def.js?v=2", "Other", {"cache-control": "no-cache"}, 4_600_000)
    log._finished({"requestId": "4", "encodedDataLength": 500})  # a load whose response event was not seen

    summary = wire_summary(log.responses, log.finished)

    assert summary["bytes"] == 1_200 + 300_000 + 4_600_000 + 500
    assert summary["requests"] == 4
    assert (summary["js_files"], summary["js_bytes"]) == (2, 4_900_000)  # by resource type or by .js path
    assert summary["js_content_encoding"] == {"gzip": 1, "none": 1}
    assert summary["js_cache_control"] == {"public, max-age=31536000": 1, "no-cache": 1}
    assert summary["js_compressed_share"] == 0.5


def test_a_page_without_scripts_has_no_compressed_share():
    log = NetworkLog()
    _response(log, "1", "http://h/", "Document", {}, 900)
    assert wire_summary(log.responses, log.finished)["js_compressed_share"] is None


def test_the_field_numbers_read_from_frames_are_streamlits():
    fields = {f.name: f.number for f in ForwardMsg.DESCRIPTOR.fields}
    assert {name: fields[name] for name in FORWARD_MSG_FIELDS} == FORWARD_MSG_FIELDS
    assert ForwardMsg.ScriptFinishedStatus.Value("FINISHED_SUCCESSFULLY") == SCRIPT_FINISHED_OK


def test_a_script_run_lasts_from_its_new_session_frame_to_its_script_finished_frame():
    log = NetworkLog()
    start, delta, finish = ForwardMsg(), ForwardMsg(), ForwardMsg()
    start.new_session.page_script_hash = "talent"
    delta.delta.new_element.markdown.body = "hello"
    delta.metadata.delta_path[:] = [0, 1]
    finish.script_finished = ForwardMsg.FINISHED_SUCCESSFULLY
    early = ForwardMsg()
    early.script_finished = ForwardMsg.FINISHED_EARLY_FOR_RERUN
    for message, at in ((delta, 9.0), (start, 10.0), (delta, 10.05), (early, 10.1), (start, 10.2), (delta, 10.3),
                        (finish, 10.32)):
        log._frame(_frame(message, at))
    log._frame({"timestamp": 11.0, "response": {"opcode": 1, "payloadData": "a text frame"}})  # ignored

    runs = script_runs(log.frames)

    # A delta before any new_session belongs to no run; a run cut short for a rerun is kept, but not ok.
    assert [(round(r["ms"], 3), r["ok"]) for r in runs] == [(100.0, False), (120.0, True)]


def test_top_level_fields_reads_varints_lengths_and_fixed_widths():
    # field 1 varint 300, field 2 bytes "hi", field 3 fixed32, field 4 fixed64
    payload = bytes([0x08, 0xAC, 0x02, 0x12, 0x02, ord("h"), ord("i"), 0x1D, 1, 2, 3, 4,
                     0x21, 1, 2, 3, 4, 5, 6, 7, 8])
    assert top_level_fields(payload) == [(1, 300), (2, b"hi"), (3, b"\x01\x02\x03\x04"),
                                         (4, b"\x01\x02\x03\x04\x05\x06\x07\x08")]
