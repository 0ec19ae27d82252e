"""The project's Zalo client (bot/channels/zalo/client.py) against the Zalo emulator, over real HTTP."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.channels.zalo.client import (
    DEFAULT_API_URL,
    IMAGE_EVENT,
    STICKER_EVENT,
    TEXT_EVENT,
    TEXT_LIMIT,
    UNSUPPORTED_EVENT,
    ZaloApiError,
    ZaloBadRequest,
    ZaloClient,
    ZaloError,
    ZaloForbidden,
    ZaloNetworkError,
    ZaloNotFound,
    ZaloRateLimited,
    ZaloServerError,
    ZaloTimeout,
    ZaloTransientError,
    ZaloUnauthorized,
    ZaloUpdate,
    api_url_from_env,
    parse_update,
    redact,
    zalo_length,
)
from bot.emulator.zalo import SECRET_HEADER, ZaloEmulator, ZaloUser
from tests.ports import free_port
from tests.zalo_fixtures import HEX20, LAN, MINH, TOKEN, PictureServer, WebhookReceiver, zalo

__all__ = ["zalo"]
SECRET_PART = TOKEN.split(":", 1)[1]


@pytest.fixture
async def client(zalo: ZaloEmulator) -> AsyncIterator[ZaloClient]:
    async with ZaloClient(TOKEN, api_url=zalo.base_url, timeout=5) as c:
        yield c


# --- calls and results -----------------------------------------------------------------------------


async def test_default_base_url_is_the_platforms() -> None:
    assert DEFAULT_API_URL == "https://bot-api.zaloplatforms.com/bot"
    assert api_url_from_env({}) == DEFAULT_API_URL
    assert api_url_from_env({"ZALO_API_URL": " http://127.0.0.1:8082/bot "}) == "http://127.0.0.1:8082/bot"
    async with ZaloClient(TOKEN) as c:
        assert c.redacted_url("getMe") == "https://bot-api.zaloplatforms.com/bot<redacted>/getMe"


async def test_get_me(client) -> None:
    me = await client.get_me()
    assert (me.id, me.account_name, me.account_type, me.can_join_groups) == (
        "1459232241454765289",
        "bot.KhuyenHocTest",
        "BASIC",
        False,
    )


async def test_get_updates_returns_one_parsed_update_per_call(zalo, client) -> None:
    before = datetime.now(UTC) - timedelta(seconds=1)
    await zalo.send_text(TOKEN, LAN, "Xin chào")
    await zalo.send_text(TOKEN, MINH, "/me")
    first = await client.get_updates(timeout=1)
    second = await client.get_updates(timeout=1)
    assert isinstance(first, ZaloUpdate) and isinstance(second, ZaloUpdate)
    assert (first.event_name, first.text, first.display_name) == (TEXT_EVENT, "Xin chào", LAN.display_name)
    assert first.chat_id == first.sender_id == LAN.id and re.match(HEX20, first.chat_id)
    assert re.match(HEX20, first.message_id) and first.key == (TEXT_EVENT, first.message_id)
    assert first.date is not None and first.date.tzinfo is UTC
    assert before <= first.date <= datetime.now(UTC) + timedelta(seconds=1)
    assert first.is_private and not first.sender_is_bot
    assert (second.chat_id, second.text) == (MINH.id, "/me")
    assert await client.get_updates(timeout=0) is None  # 408 "Request timeout": nothing to deliver


async def test_get_updates_parses_images_stickers_and_unsupported(zalo, client) -> None:
    await zalo.send_image(TOKEN, LAN, caption="Ảnh buổi học")
    await zalo.send_sticker(TOKEN, LAN, "0e078a2fb66a5f34067b")
    await zalo.send_unsupported(TOKEN, LAN)
    image, sticker, unsupported = [await client.get_updates(timeout=1) for _ in range(3)]
    assert image.event_name == IMAGE_EVENT and image.caption == "Ảnh buổi học" and image.text is None
    assert image.photo_url.startswith(zalo.origin + "/_zalo/media/")
    assert sticker.event_name == STICKER_EVENT and sticker.sticker == "0e078a2fb66a5f34067b"
    assert sticker.sticker_url
    assert unsupported.event_name == UNSUPPORTED_EVENT and unsupported.chat_id == LAN.id
    assert unsupported.text is unsupported.photo_url is None


async def test_a_redelivered_update_has_the_same_key(zalo, client) -> None:
    await zalo.send_text(TOKEN, LAN, "một lần thôi")
    first = await client.get_updates(timeout=1)
    zalo.redeliver(TOKEN)
    again = await client.get_updates(timeout=1)
    assert again == first and again.key == first.key


async def test_long_poll_waits_for_the_user(zalo, client) -> None:
    poll = asyncio.create_task(client.get_updates(timeout=10))
    await zalo.wait_polling(TOKEN)
    await zalo.send_text(TOKEN, LAN, "đến rồi")
    update = await asyncio.wait_for(poll, 5)
    assert update.text == "đến rồi"


async def test_send_message_and_the_2000_character_limit(zalo, client) -> None:
    zalo.add_user(TOKEN, LAN)
    sent = await client.send_message(LAN.id, "ạ" * TEXT_LIMIT)
    assert re.match(HEX20, sent.message_id) and sent.date.tzinfo is UTC
    with pytest.raises(ZaloBadRequest) as too_long:
        await client.send_message(LAN.id, "ạ" * (TEXT_LIMIT + 1))
    assert too_long.value.error_code == 400 and "2000" in too_long.value.description
    assert too_long.value.method == "sendMessage"
    with pytest.raises(ZaloBadRequest):
        await client.send_message(LAN.id, "")
    assert zalo_length("😀" * 1000) == TEXT_LIMIT
    await client.send_message(LAN.id, "😀" * 1000)
    with pytest.raises(ZaloBadRequest):
        await client.send_message(LAN.id, "😀" * 1000 + "a")
    assert [zalo_length(m["text"]) for m in zalo.sent(TOKEN, LAN.id)] == [2000, 2000]


async def test_send_photo_and_chat_action(zalo, client) -> None:
    zalo.add_user(TOKEN, LAN)
    async with PictureServer() as pictures:
        sent = await client.send_photo(LAN.id, f"{pictures.origin}/chart.png", "Biểu đồ")
        assert re.match(HEX20, sent.message_id)
        with pytest.raises(ZaloBadRequest):
            await client.send_photo(LAN.id, f"{pictures.origin}/gone.png")
    await client.send_chat_action(LAN.id)
    assert zalo.chat_action(TOKEN, LAN.id) == "typing"
    [photo] = zalo.sent(TOKEN, LAN.id)
    assert photo["caption"] == "Biểu đồ" and photo["photo_fetch"]["data"] == pictures.png
    [call] = zalo.calls(TOKEN, "sendPhoto", ok=True)
    assert call.params == {"chat_id": LAN.id, "photo": f"{pictures.origin}/chart.png", "caption": "Biểu đồ"}


async def test_a_chat_that_never_wrote_is_an_error_with_code_and_description(zalo, client) -> None:
    stranger = ZaloUser.named("Chưa từng nhắn")
    with pytest.raises(ZaloBadRequest) as error:
        await client.send_message(stranger.id, "Chào")
    assert (error.value.error_code, error.value.description) == (400, "Bad Request: user not found")
    zalo.configure(unknown_chat=[403, "Forbidden: user has not interacted with the bot"])
    with pytest.raises(ZaloForbidden) as forbidden:
        await client.send_message(stranger.id, "Chào")
    assert forbidden.value.error_code == 403


async def test_quota_exceeded_is_rate_limited_with_retry_info_when_given(zalo, client) -> None:
    zalo.add_user(TOKEN, LAN)
    zalo.quota_exceeded(TOKEN, 2)
    for _ in range(2):
        with pytest.raises(ZaloRateLimited) as limited:
            await client.send_message(LAN.id, "x")
        assert (limited.value.error_code, limited.value.description) == (429, "Quota exceeded")
        assert limited.value.retry_after is None
        assert not isinstance(limited.value, ZaloTransientError)
    await client.send_message(LAN.id, "x")
    zalo.quota_exceeded(TOKEN, 1, retry_after=7)
    with pytest.raises(ZaloRateLimited) as limited:
        await client.send_photo(LAN.id, "https://example.org/x.png")
    assert limited.value.retry_after == 7.0
    assert len(zalo.sent(TOKEN, LAN.id)) == 1


async def test_per_second_cap_surfaces_as_rate_limited(zalo, client) -> None:
    zalo.add_user(TOKEN, LAN)
    zalo.configure(rate_limit_per_s=1)
    outcomes = await asyncio.gather(
        *(client.send_message(LAN.id, "x") for _ in range(4)), return_exceptions=True
    )
    limited = [o for o in outcomes if isinstance(o, ZaloRateLimited)]
    assert len(limited) == 3 and all(o.error_code == 429 for o in limited)


async def test_unknown_methods_and_bad_tokens(zalo, client) -> None:
    for method in ("editMessageText", "answerCallbackQuery", "sendDocument"):
        with pytest.raises(ZaloNotFound) as missing:
            await client.call(method, {"chat_id": LAN.id})
        assert (missing.value.error_code, missing.value.description) == (404, "Not Found: method not found")
    zalo.revoke(TOKEN)
    with pytest.raises(ZaloUnauthorized) as unauthorized:
        await client.get_me()
    assert unauthorized.value.error_code == 401
    async with ZaloClient("not-a-token", api_url=zalo.base_url) as bad:
        with pytest.raises(ZaloUnauthorized):
            await bad.get_me()
    with pytest.raises(ValueError):
        ZaloClient("123:has/slash")


# --- transient failures ----------------------------------------------------------------------------


async def test_server_errors_and_408_are_transient(zalo, client) -> None:
    zalo.add_user(TOKEN, LAN)
    zalo.inject_fault(TOKEN, "sendMessage", error_code=502)
    with pytest.raises(ZaloServerError) as server:
        await client.send_message(LAN.id, "x")
    assert isinstance(server.value, ZaloTransientError) and isinstance(server.value, ZaloApiError)
    assert server.value.error_code == 502
    zalo.inject_fault(TOKEN, "sendMessage", error_code=408)
    with pytest.raises(ZaloTransientError) as timeout:
        await client.send_message(LAN.id, "x")
    assert timeout.value.error_code == 408


async def test_timeouts_and_network_errors_are_transient(zalo) -> None:
    zalo.configure(latency_ms=1500)
    async with ZaloClient(TOKEN, api_url=zalo.base_url, timeout=0.3) as slow:
        with pytest.raises(ZaloTimeout) as timed_out:
            await slow.get_me()
    assert isinstance(timed_out.value, ZaloTransientError)
    zalo.configure(latency_ms=0)
    async with ZaloClient(TOKEN, api_url=zalo.base_url) as c:
        zalo.inject_fault(TOKEN, "getMe", drop=True)
        with pytest.raises(ZaloNetworkError):
            await c.get_me()
        assert (await c.get_me()).id  # the pool recovers
    async with ZaloClient(TOKEN, api_url=f"http://127.0.0.1:{free_port()}/bot") as nowhere:
        with pytest.raises(ZaloNetworkError) as refused:
            await nowhere.get_me()
    assert isinstance(refused.value, ZaloTransientError) and SECRET_PART not in str(refused.value)


async def test_an_answer_that_is_not_the_apis_json(zalo) -> None:
    async with PictureServer() as other:
        async with ZaloClient(TOKEN, api_url=f"{other.origin}/bot") as c:
            with pytest.raises(ZaloNotFound) as not_json:
                await c.get_me()
        assert "without the API's JSON" in not_json.value.description
        async with ZaloClient(TOKEN, api_url=f"{other.origin}/html/bot") as c:
            with pytest.raises(ZaloNetworkError):
                await c.get_me()


async def test_concurrent_calls_share_a_small_pool(zalo) -> None:
    zalo.configure(latency_ms=20)
    users = [ZaloUser.named(f"Hội viên {i}") for i in range(20)]
    for user in users:
        zalo.add_user(TOKEN, user)
    async with ZaloClient(TOKEN, api_url=zalo.base_url, pool_size=4) as c:
        sent = await asyncio.gather(*(c.send_message(user.id, f"Chào {i}") for i, user in enumerate(users)))
    assert len({s.message_id for s in sent}) == 20
    assert all(len(zalo.sent(TOKEN, user.id)) == 1 for user in users)


# --- webhook ---------------------------------------------------------------------------------------


async def test_webhook_push_with_secret_header_and_get_updates_refused(zalo, client) -> None:
    async with WebhookReceiver() as hook:
        info = await client.set_webhook(hook.url, "bí-mật-12345")
        assert info.url == hook.url and info.updated_at.tzinfo is UTC
        assert (await client.get_webhook_info()).url == hook.url
        await zalo.send_text(TOKEN, LAN, "qua webhook")
        await zalo.wait_deliveries(TOKEN, count=1, ok=True)
        [request] = hook.requests
        assert request["headers"][SECRET_HEADER] == "bí-mật-12345"
        update = parse_update(request["json"])  # the webhook body: {"ok": true, "result": {...}}
        assert (update.event_name, update.chat_id, update.text) == (TEXT_EVENT, LAN.id, "qua webhook")
        with pytest.raises(ZaloBadRequest) as refused:
            await client.get_updates(timeout=1)
        assert "webhook" in refused.value.description
        assert (await client.delete_webhook()).url == ""
        assert (await client.get_webhook_info()).url == ""
        await zalo.send_text(TOKEN, LAN, "lại polling")
        assert (await client.get_updates(timeout=1)).text == "lại polling"
        with pytest.raises(ZaloBadRequest):
            await client.set_webhook("https://example.org/hook", "short")


# --- parsing ---------------------------------------------------------------------------------------


def test_parse_update_tolerates_the_variants_seen_in_copies_of_the_docs() -> None:
    # A getUpdates sample copied from a live answer: first_name, no event_name, no is_bot.
    live = {
        "message": {
            "chat": {"id": "e4ea2cd5189df1c3a88c", "chat_type": "PRIVATE"},
            "text": "Xin chào",
            "message_id": "16f6366b3f02645a3d15",
            "date": 1766619597466,
            "from": {"id": "e4ea2cd5189df1c3a88c", "first_name": "Nguyen Van A"},
        }
    }
    update = parse_update({"ok": True, "result": live})
    assert update.event_name == TEXT_EVENT and update.display_name == "Nguyen Van A"
    assert update.date == datetime(2025, 12, 24, 23, 39, 57, 466000, tzinfo=UTC)
    assert parse_update(live) == update
    seconds = {"message": {**live["message"], "date": 1766619597, "photo": "https://x/y.jpg", "text": None}}
    parsed = parse_update(seconds)
    assert parsed.event_name == IMAGE_EVENT and parsed.date == datetime(2025, 12, 24, 23, 39, 57, tzinfo=UTC)
    assert parse_update({"event_name": "user.followed"}) is None
    assert parse_update(["not", "a", "dict"]) is None


# --- the token never reaches a log or an error -----------------------------------------------------


@pytest.mark.parametrize("level", [logging.INFO, logging.DEBUG])
async def test_the_token_never_appears_in_logs_or_errors(zalo, caplog, level) -> None:
    caplog.set_level(level)
    caplog.set_level(level, logger="httpx")
    caplog.set_level(level, logger="bot.channels.zalo.client")
    zalo.add_user(TOKEN, LAN)
    errors: list[BaseException] = []
    async with ZaloClient(TOKEN, api_url=zalo.base_url, timeout=2) as c:
        assert SECRET_PART not in repr(c)
        await c.get_me()
        await zalo.send_text(TOKEN, LAN, "chào")
        await c.get_updates(timeout=1)
        await c.get_updates(timeout=0)
        await c.send_message(LAN.id, "Chào Lan")
        zalo.quota_exceeded(TOKEN, 1)
        for attempt in (
            c.send_message(LAN.id, "x"),
            c.send_message(LAN.id, "x" * 3000),
            c.call("sendDocument"),
        ):
            try:
                await attempt
            except ZaloError as error:
                errors.append(error)
        zalo.inject_fault(TOKEN, "getMe", drop=True)
        try:
            await c.get_me()
        except ZaloError as error:
            errors.append(error)
    async with ZaloClient(TOKEN, api_url=f"http://127.0.0.1:{free_port()}/bot") as nowhere:
        try:
            await nowhere.get_me()
        except ZaloError as error:
            errors.append(error)
    assert len(errors) == 5
    requests = [r for r in caplog.records if r.name == "httpx" and "HTTP Request" in r.getMessage()]
    assert len(requests) >= 7  # httpx did log every request URL at INFO...
    assert all("/bot<redacted>/" in r.getMessage() for r in requests)  # ...without the token
    assert SECRET_PART not in caplog.text and TOKEN not in caplog.text
    for error in errors:
        assert SECRET_PART not in str(error) and SECRET_PART not in repr(error)
        assert error.__cause__ is None  # httpx's exception (its request carries the URL) is not chained
        assert error.__context__ is None or error.__suppress_context__


def test_redact() -> None:
    url = f"https://bot-api.zaloplatforms.com/bot{TOKEN}/sendMessage"
    assert redact(url) == "https://bot-api.zaloplatforms.com/bot<redacted>/sendMessage"
    assert redact(f"token={TOKEN}", TOKEN) == "token=<redacted>"
