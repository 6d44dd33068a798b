"""Files people send (photos, voice, video, documents): checked, cleaned and stored.

- ``sniff``: the real type from the bytes (Pillow for images, magic numbers for the rest),
  size limits per kind, image-bomb and corrupt-image refusal, EXIF stripped, a thumbnail;
- ``store``: where the bytes live, behind one small interface (a local folder, or any
  S3-compatible store), content-addressed by SHA-256 so the same bytes are kept once.
"""
