"""Media access: probing (PyAV), keyframes, audio levels and speech pauses, the FFmpeg binary."""

from .audio import audio_levels, find_pauses, read_mono
from .ffmpeg import ffmpeg_exe, run_ffmpeg
from .probe import MediaInfo, keyframes_ms, open_media, probe

__all__ = ["MediaInfo", "audio_levels", "ffmpeg_exe", "find_pauses", "keyframes_ms", "open_media", "probe",
           "read_mono", "run_ffmpeg"]
