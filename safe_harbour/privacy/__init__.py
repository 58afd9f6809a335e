"""Privacy by construction: the input guard, log guard, rate limits, server hardening and retention.

- `guard`: what a user's message may contain before Rasa sees it (images, files and links removed, personal
  data replaced by placeholders, size and shape normalised). Called by `safe_harbour.channels.incoming`.
  Its detectors (`media`, `links`, `emails`, `phones`, `handles`, `addresses`, `names`) each return `spans`;
  `disguises`, `shape`, `public_suffixes`, `vocabulary`, `attachments`, `payloads`, `notices` serve them.
- `logs`: no user text in logs; debug logging refused in production.
- `ratelimit`: in-memory token buckets per conversation and per client address.
- `server`: HTTP hardening installed from the channels (API token, model loading, request size).
- `launch`: `python -m safe_harbour.privacy.launch` starts `rasa run` with the safe options.
- `retention`: `python -m safe_harbour.privacy.retention` deletes conversations older than RETENTION_DAYS.
"""
