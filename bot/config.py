"""Settings from the environment and `.env` (pydantic-settings)."""
from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Storage: sqlite[+aiosqlite]:///path or postgresql[+asyncpg]://user@host/db
    database_url: str = "sqlite+aiosqlite:///gridbot.db"
    db_pool_size: int = 10
    # People whose rooms and roles are kept in memory per process (about 1 KB each).
    directory_cache_people: int = 20_000

    http_host: str = "127.0.0.1"
    http_port: int = 8080
    # Bearer token for /api/ (simulator API, read API, spreadsheets); see bot/web/auth.py. Required
    # with a chat platform (TRANSPORT=wechaty/wecom) and for the simulator on a non-loopback HTTP_HOST.
    api_token: str | None = None
    # Host names /api/ answers to besides 127.0.0.1, localhost, [::1], a specific HTTP_HOST and the
    # host of PUBLIC_BASE_URL (comma-separated): anything else is refused (DNS rebinding).
    http_allowed_hosts: str = ""

    # Which chat platform to use: "sim" (local simulator), "wechaty", "wecom".
    transport: str = "sim"
    # Load the demo community into an empty database when running on the simulator.
    load_demo: bool = True

    # How long a pending confirmation (broadcast 确认, demand 是) stays valid.
    confirm_ttl_seconds: int = 600
    # Default community id for people who write privately before any room binds them.
    default_community: str | None = None

    log_level: str = "INFO"
    # "plain" (one readable line) or "json" (one JSON object a line, with msg_id and ticket; bot/logs.py).
    log_format: Literal["plain", "json"] = "plain"
    # Bearer token for /metrics (Prometheus). Unset: /metrics answers loopback, unproxied callers only.
    metrics_token: str | None = None

    # Lifecycle automation (issue 5): scheduler, dispatch tiers, deadlines, quiet hours, digests.
    # Local times are Asia/Shanghai. See bot/data/lifecycle.yaml for T1/T2 and deadlines.
    scheduler_enabled: bool = True
    scheduler_tick_seconds: int = 30
    lifecycle_rules_file: str | None = None  # a YAML file replacing bot/data/lifecycle.yaml
    quiet_hours: str = "22:00-07:00"  # non-urgent automated messages wait; "" turns it off
    daily_digest_time: str = "08:00"  # secretaries: new/open/overdue/yesterday's done
    weekly_board_day: int = 1  # 1 = Monday ... 7 = Sunday: the points ranking (张榜公布)
    weekly_board_time: str = "09:00"
    monthly_report_time: str = "09:00"  # on the 1st, for the month before
    followup_close_days: int = 3  # a verified ticket nobody rates closes by itself
    late_grace_minutes: int = 180  # a digest or notice later than this (bot was down) is dropped
    public_base_url: str | None = None  # for report links; default http://HTTP_HOST:HTTP_PORT

    # --- Delivery and platforms (issue 4): the outbox sender, wechaty, WeCom -------------
    # Outbox: retries with exponential backoff, then 'failed'; a row left mid-send by a
    # crash is sent again ("resend") or marked failed ("fail"); see bot/sender.py.
    outbox_max_attempts: int = 6
    outbox_backoff_seconds: float = 5.0
    outbox_backoff_max_seconds: float = 900.0
    # Rows a sender holds carry its owner id. Stable across restarts (default: host name,
    # transport and HTTP port), so a restarted bot takes its own rows back at once; give
    # each process on one database its own. On PostgreSQL a dead holder is seen through
    # its advisory lock at once (bot/sender_owner.py); the lease only covers rows without an owner.
    outbox_owner: str | None = None
    outbox_lease_seconds: float = 120.0
    outbox_on_restart: str = "resend"
    # wechaty (personal WeChat through a PadLocal-type service, WeCom through WXWork-type).
    wechaty_puppet_service_token: str | None = None
    wechaty_puppet_service_endpoint: str | None = None
    wechaty_per_minute: int = 40  # per account
    wechaty_room_gap_seconds: float = 3.0  # between two messages to one conversation
    wechaty_switch_pause_min: float = 3.0  # random pause when the conversation changes
    wechaty_switch_pause_max: float = 5.0
    wechaty_max_chars: int = 1500  # longer texts are split
    wechaty_silence_timeout_seconds: float = 600.0  # reconnect after this long without events
    # WeCom group robots (send only): "room=key,room=key" or JSON {"room": "key"}.
    wecom_robot_keys: str = ""
    wecom_robot_per_minute: int = 20
    wecom_markdown: bool = False
    wecom_webhook_base_url: str = "https://qyapi.weixin.qq.com"
    # WeCom 智能机器人 (API mode) callback: URL path, Token, EncodingAESKey, the robot's names.
    wecom_callback_path: str = "/wecom/callback"
    wecom_token: str | None = None
    wecom_encoding_aes_key: str | None = None
    wecom_bot_names: str = ""

    # --- Photos, voice, video, files, locations (issue 12) --------------------------------
    # Where files live: "local" (FILE_DIR) or "s3" (any S3-compatible store: AWS, MinIO …).
    file_store: str = "local"
    file_dir: str = "files"
    file_s3_bucket: str = "gridbot"
    file_s3_endpoint_url: str | None = None
    file_s3_region: str | None = None
    file_s3_access_key: str | None = None
    file_s3_secret_key: str | None = None
    # Size limits per kind (MB) and the largest image accepted (pixels; bigger is an image bomb).
    file_max_image_mb: int = 10
    file_max_voice_mb: int = 5
    file_max_video_mb: int = 20
    file_max_file_mb: int = 20
    file_max_image_pixels: int = 40_000_000
    # A photo or location within this many minutes of the sender's report joins that ticket;
    # a member's photo within as long after 完成 is the proof of the result.
    attach_window_minutes: int = 5
    # Signed links to files (read API, exports, simulator) stop working after this long.
    file_link_ttl_seconds: int = 7 * 24 * 3600
    # Key for those links; default: API_TOKEN, else a random key per process.
    file_signing_key: str | None = None
    # --- The office console (issue 14): /后台 links, sessions --------------------------------
    # Signs login links and sessions. Required outside TRANSPORT=sim (without it the console is not
    # started and /后台 says so); the simulator falls back to a secret that dies with the process.
    console_secret: str | None = None
    console_link_minutes: int = 10
    console_links_per_hour: int = 5  # per person
    console_session_hours: int = 8
    # --- Accounts (issue 16, bot/fleet.py) --------------------------------------------------
    # The platform accounts this process drives: "wx-east,wx-west" (secrets from WX_EAST_TOKEN,
    # WX_EAST_ENDPOINT …; "wx-east:EAST" reads EAST_TOKEN …). Empty: the one 'default' account.
    accounts: str = ""
    account_check_seconds: float = 2.0  # how often account states are checked and failed rows moved
    account_limited_minutes: float = 30.0  # a limited account pauses this long, then tries again

    # --- Learning from corrections and a large model's second opinion (issue 11) ----------------
    # gridbot nlp retrain learns a kind of correction (a category, 紧急, a place) once a community
    # has made it this many times (bot/services/corrections.py).
    corrections_min_examples: int = Field(default=3, ge=1)
    # The learned model trained with this deployment's corrections (gridbot nlp retrain --model);
    # unset or missing: the model shipped in nlp/data/model.json.gz.
    nlp_model: str | None = None
    # Optional OpenAI-compatible chat endpoint (bot/services/llm.py), off while LLM_URL is unset.
    # Only messages the classifier is unsure of, and non-urgent demands (to raise urgency), are
    # sent, redacted (nlp/redact.py); README "Large-model second opinion" says what leaves.
    llm_url: str | None = None  # e.g. https://api.deepseek.com/v1 or http://127.0.0.1:11434/v1
    llm_model: str = "qwen2.5:7b-instruct"
    llm_api_key: str | None = None
    llm_timeout: float = Field(default=2.0, gt=0, le=2.0)  # seconds; intake never waits longer
    llm_daily_budget: int = Field(default=200, ge=0)  # requests a day (Asia/Shanghai), per process
    llm_check_urgency: bool = True  # also ask about demands the classifier did not find urgent


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
