"""H.264 bitstream plumbing for the smart cut: NAL units in Annex-B and AVCC (length-prefixed) form.

The smart cut joins packets from different encoders in one MP4 track. Each part carries its own
SPS/PPS in-band at its first keyframe, so a decoder switches parameter sets exactly where the
part starts, whatever the sample entry (``avcC``) says.
"""

from __future__ import annotations

from dataclasses import dataclass

NAL_SEI, NAL_SPS, NAL_PPS, NAL_AUD, NAL_IDR = 6, 7, 8, 9, 5


def nal_type(nal: bytes) -> int:
    """The ``nal_unit_type`` of one NAL unit (without prefix)."""
    return nal[0] & 0x1F if nal else -1


def split_annexb(data: bytes) -> list[bytes]:
    """NAL units of an Annex-B buffer (3- or 4-byte start codes), without their start codes."""
    nals: list[bytes] = []
    i = data.find(b"\x00\x00\x01")
    while i >= 0:
        start = i + 3
        nxt = data.find(b"\x00\x00\x01", start)
        end = len(data) if nxt < 0 else nxt
        nal = data[start:end]
        if nxt >= 0:
            nal = nal.rstrip(b"\x00")  # zero byte of a following 4-byte start code / trailing zeros
        if nal:
            nals.append(nal)
        i = nxt
    return nals


def split_avcc(data: bytes, length_size: int) -> list[bytes]:
    """NAL units of a length-prefixed (AVCC) buffer."""
    nals: list[bytes] = []
    pos = 0
    while pos + length_size <= len(data):
        size = int.from_bytes(data[pos:pos + length_size], "big")
        pos += length_size
        nals.append(data[pos:pos + size])
        pos += size
    return nals


@dataclass(frozen=True, slots=True)
class NalFormat:
    """How a track stores its NAL units: AVCC with ``length_size``-byte prefixes, or Annex-B (``length_size`` 0)."""

    length_size: int

    @property
    def annexb(self) -> bool:
        return self.length_size == 0

    def split(self, data: bytes) -> list[bytes]:
        return split_annexb(data) if self.annexb else split_avcc(data, self.length_size)

    def join(self, nals: list[bytes]) -> bytes:
        if self.annexb:
            return b"".join(b"\x00\x00\x00\x01" + n for n in nals)
        return b"".join(len(n).to_bytes(self.length_size, "big") + n for n in nals)


def parse_extradata(extradata: bytes | None) -> tuple[NalFormat, list[bytes]]:
    """The NAL format and the parameter sets (SPS then PPS) of an H.264 track's extradata.

    ``avcC`` (first byte 1) gives AVCC with its length size; anything else is taken as Annex-B.
    """
    if not extradata:
        return NalFormat(0), []
    if extradata[0] != 1:
        return NalFormat(0), [n for n in split_annexb(extradata) if nal_type(n) in (NAL_SPS, NAL_PPS)]
    length_size = (extradata[4] & 0x03) + 1
    sets: list[bytes] = []
    pos = 5
    for count_mask in (0x1F, 0xFF):  # SPS count (5 bits), then PPS count
        if pos >= len(extradata):
            break
        count = extradata[pos] & count_mask
        pos += 1
        for _ in range(count):
            size = int.from_bytes(extradata[pos:pos + 2], "big")
            sets.append(extradata[pos + 2:pos + 2 + size])
            pos += 2 + size
    return NalFormat(length_size), sets


def with_parameter_sets(nals: list[bytes], sets: list[bytes]) -> list[bytes]:
    """``nals`` of a keyframe with ``sets`` placed in-band before its first slice (after an AUD),
    replacing any SPS/PPS it already had."""
    body = [n for n in nals if nal_type(n) not in (NAL_SPS, NAL_PPS)]
    lead = 1 if body and nal_type(body[0]) == NAL_AUD else 0
    return body[:lead] + list(sets) + body[lead:]


def parameter_sets(nals: list[bytes]) -> list[bytes]:
    """The SPS/PPS NAL units among ``nals``."""
    return [n for n in nals if nal_type(n) in (NAL_SPS, NAL_PPS)]


def is_idr(nals: list[bytes]) -> bool:
    """Whether an access unit holds an IDR slice (decodable without earlier pictures)."""
    return any(nal_type(n) == NAL_IDR for n in nals)
