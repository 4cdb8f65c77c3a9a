"""The file name a file target gives a stream (sdk/include/chorus/plugin/stream_file_name.h),
written again here from its documented rule so that the tests find the files without chorus's
own code: letters, digits, '-', '_', bytes >= 0x80 and a '.' that is not first stay; every other
byte becomes %XX; "" becomes "%"; a name longer than 200 bytes keeps its first 180 (never cut
inside an escape) and ends in '~' and the FNV-1a 64 hash of the stream name."""


def _fnv1a64(data):
    value = 0xCBF29CE484222325
    for byte in data:
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return value


def stream_file_stem(stream):
    raw = stream.encode("utf-8")
    if not raw:
        return "%"
    stem, cut = bytearray(), 0
    for index, byte in enumerate(raw):
        kept = (chr(byte).isascii() and chr(byte).isalnum()) or byte in b"-_" or byte >= 0x80 \
            or (byte == ord(".") and index > 0)
        stem += bytes([byte]) if kept else ("%%%02X" % byte).encode("ascii")
        if len(stem) <= 180:
            cut = len(stem)
    if len(stem) > 200:
        stem = stem[:cut] + b"~" + ("%016X" % _fnv1a64(raw)).encode("ascii")
    return stem.decode("utf-8", errors="surrogateescape")
