"""The Zalo Bot Platform emulator on the wire: raw HTTP against it, as the docs describe the platform."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.emulator.zalo import (
    IMAGE_EVENT,
    SECRET_HEADER,
    STICKER_EVENT,
    TEXT_EVENT,
    UNSUPPORTED_EVENT,
    ZaloEmulator,
    ZaloUser,
)
from bot.emulator.zalo.client import ZaloEmulatorClient, ZaloEmulatorControlError
from tests.zalo_fixtures import HEX20, LAN, MINH, TOKEN, PictureServer, WebhookReceiver, zalo

__all__ = ["zalo"]


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(trust_env=False) as session:
        yield session


async def api(
    http: aiohttp.ClientSession,
    emu: ZaloEmulator,
    method: str,
    *,
    json: Any = None,
    data: Any = None,
    params: dict | None = None,
    verb: str = "POST",
    token: str = TOKEN,
) -> tuple[int, dict]:
    url = f"{emu.base_url}{token}/{method}"
    async with http.request(verb, url, json=json, data=data, params=params) as response:
        assert response.content_type == "application/json"
        return response.status, await response.json()


# --- shape of calls and answers -------------------------------------------------------------------


async def test_get_me_by_get_and_post_answers_the_documented_shape(zalo, http) -> None:
    for verb in ("GET", "POST"):
        status, payload = await api(http, zalo, "getMe", verb=verb)
        assert status == 200
        assert payload == {
            "ok": True,
            "result": {
                "id": "1459232241454765289",
                "account_name": "bot.KhuyenHocTest",
                "account_type": "BASIC",
                "can_join_groups": False,
            },
        }


async def test_parameters_arrive_by_query_form_multipart_or_json(zalo, http) -> None:
    zalo.add_user(TOKEN, LAN)
    texts = ["qua query", "qua form", "qua multipart", "qua JSON"]
    form = aiohttp.FormData()
    form.add_field("chat_id", LAN.id)
    form.add_field("text", texts[2])
    answers = [
        await api(http, zalo, "sendMessage", verb="GET", params={"chat_id": LAN.id, "text": texts[0]}),
        await api(http, zalo, "sendMessage", data={"chat_id": LAN.id, "text": texts[1]}),
        await api(http, zalo, "sendMessage", data=form),
        await api(http, zalo, "sendMessage", json={"chat_id": LAN.id, "text": texts[3]}),
    ]
    for status, payload in answers:
        assert status == 200 and payload["ok"] is True
        assert re.match(HEX20, payload["result"]["message_id"])
        assert abs(payload["result"]["date"] - time.time() * 1000) < 60_000  # milliseconds
    assert [m["text"] for m in zalo.sent(TOKEN, LAN.id)] == texts
    assert [c.http_method for c in zalo.calls(TOKEN, "sendMessage")] == ["GET", "POST", "POST", "POST"]


async def test_bad_or_revoked_token_answers_401(zalo, http) -> None:
    status, payload = await api(http, zalo, "getMe", token="not-a-token")
    assert (status, payload) == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    zalo.revoke(TOKEN)
    status, payload = await api(http, zalo, "getMe")
    assert status == 401 and payload["error_code"] == 401


@pytest.mark.parametrize(
    "method",
    ["editMessageText", "answerCallbackQuery", "sendDocument", "deleteMessage", "setMyCommands", "getme"],
)
async def test_methods_the_platform_does_not_have_answer_404(zalo, http, method) -> None:
    zalo.add_user(TOKEN, LAN)
    status, payload = await api(http, zalo, method, json={"chat_id": LAN.id, "text": "x"})
    assert status == 404
    assert payload == {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
    [call] = zalo.calls(TOKEN, method)
    assert call.ok is False and call.error_code == 404


async def test_unknown_method_answer_is_a_setting(zalo, http) -> None:
    zalo.configure(unknown_method=[400, "Bad Request: invalid API name"])
    status, payload = await api(http, zalo, "sendDocument", json={})
    assert (status, payload["error_code"], payload["description"]) == (
        400,
        400,
        "Bad Request: invalid API name",
    )


async def test_reply_markup_and_parse_mode_are_ignored_and_recorded_or_refused_when_strict(
    zalo, http
) -> None:
    zalo.add_user(TOKEN, LAN)
    markup = {"inline_keyboard": [[{"text": "Có", "callback_data": "yes"}]]}
    body = {"chat_id": LAN.id, "text": "Chọn", "reply_markup": markup, "parse_mode": "HTML"}
    status, payload = await api(http, zalo, "sendMessage", json=body)
    assert status == 200 and payload["ok"]
    [call] = zalo.calls(TOKEN, "sendMessage")
    assert call.ignored == ["parse_mode", "reply_markup"]
    assert zalo.sent(TOKEN, LAN.id)[0]["text"] == "Chọn"  # no buttons anywhere

    zalo.configure(strict_params=True)
    status, payload = await api(http, zalo, "sendMessage", json=body)
    assert status == 400 and "reply_markup" in payload["description"]


# --- updates ---------------------------------------------------------------------------------------


async def test_get_updates_returns_one_update_per_call_in_order_with_hex_ids_and_ms_dates(zalo, http) -> None:
    before = time.time() * 1000
    for text in ("một", "hai", "ba"):
        await zalo.send_text(TOKEN, LAN, text)
    await zalo.send_text(TOKEN, MINH, "bốn")
    seen = []
    for _ in range(4):
        status, payload = await api(http, zalo, "getUpdates", json={"timeout": "1"})
        assert status == 200 and payload["ok"] is True
        result = payload["result"]
        assert isinstance(result, dict)  # ONE update, not a list
        assert set(result) == {"message", "event_name"}
        assert result["event_name"] == TEXT_EVENT
        message = result["message"]
        assert set(message) == {"from", "chat", "text", "message_id", "date"}
        assert re.match(HEX20, message["from"]["id"]) and re.match(HEX20, message["message_id"])
        assert message["chat"] == {"id": message["from"]["id"], "chat_type": "PRIVATE"}
        assert message["from"]["is_bot"] is False
        assert (
            isinstance(message["date"], int) and before - 1000 <= message["date"] <= time.time() * 1000 + 1000
        )
        seen.append((message["from"]["display_name"], message["text"]))
    assert seen == [(LAN.display_name, "một"), (LAN.display_name, "hai"), (LAN.display_name, "ba"),
                    (MINH.display_name, "bốn")]  # fmt: skip
    assert zalo.pending_updates(TOKEN) == 0  # no offset: handed out means gone


async def test_an_empty_long_poll_waits_its_timeout_then_answers_408(zalo, http) -> None:
    started = time.monotonic()
    status, payload = await api(http, zalo, "getUpdates", json={"timeout": 1})
    assert 0.9 <= time.monotonic() - started < 5
    assert (status, payload) == (408, {"ok": False, "error_code": 408, "description": "Request timeout"})
    zalo.configure(empty_poll=None)
    status, payload = await api(http, zalo, "getUpdates", params={"timeout": "0"}, verb="GET")
    assert (status, payload) == (200, {"ok": True, "result": None})


async def test_a_parked_long_poll_wakes_when_a_user_writes(zalo, http) -> None:
    poll = asyncio.create_task(api(http, zalo, "getUpdates", json={"timeout": "10"}))
    await zalo.wait_polling(TOKEN, timeout=5)
    started = time.monotonic()
    await zalo.send_text(TOKEN, LAN, "dậy đi")
    status, payload = await poll
    assert time.monotonic() - started < 2
    assert payload["result"]["message"]["text"] == "dậy đi"
    assert zalo.summary(TOKEN)["polls"] == 1


async def test_image_sticker_and_unsupported_events(zalo, http) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 20
    await zalo.send_image(TOKEN, LAN, data=png, caption="Ảnh lớp học")
    await zalo.send_image(TOKEN, LAN, url="https://example.org/a.jpg")
    await zalo.send_sticker(TOKEN, LAN, "0e078a2fb66a5f34067b")
    await zalo.send_unsupported(TOKEN, MINH)
    results = [(await api(http, zalo, "getUpdates", json={"timeout": 1}))[1]["result"] for _ in range(4)]
    assert [r["event_name"] for r in results] == [IMAGE_EVENT, IMAGE_EVENT, STICKER_EVENT, UNSUPPORTED_EVENT]
    image = results[0]["message"]
    assert image["caption"] == "Ảnh lớp học" and "text" not in image
    async with http.get(image["photo"]) as response:  # the emulator serves the user's picture
        assert response.status == 200 and await response.read() == png
    assert results[1]["message"]["photo"] == "https://example.org/a.jpg"
    assert "caption" not in results[1]["message"]
    sticker = results[2]["message"]
    assert sticker["sticker"] == "0e078a2fb66a5f34067b" and sticker["url"].startswith(zalo.origin)
    unsupported = results[3]["message"]
    assert set(unsupported) == {"from", "chat", "message_id", "date"}


async def test_redeliver_hands_out_the_same_update_again(zalo, http) -> None:
    first = await zalo.send_text(TOKEN, LAN, "một")
    await zalo.send_text(TOKEN, LAN, "hai")
    got = [(await api(http, zalo, "getUpdates", json={"timeout": 1}))[1]["result"] for _ in range(2)]
    zalo.redeliver(TOKEN, first["message"]["message_id"])
    again = (await api(http, zalo, "getUpdates", json={"timeout": 1}))[1]["result"]
    assert again == got[0] == first
    latest = zalo.redeliver(TOKEN)
    assert latest["message"]["text"] == "hai"


# --- sending ---------------------------------------------------------------------------------------


async def test_send_message_text_is_1_to_2000_characters(zalo, http) -> None:
    zalo.add_user(TOKEN, LAN)
    ok_status, _ = await api(http, zalo, "sendMessage", json={"chat_id": LAN.id, "text": "ạ" * 2000})
    assert ok_status == 200
    for text in ("ạ" * 2001, "", "   ", None, "😀" * 1001):  # an emoji counts 2 (UTF-16)
        status, payload = await api(http, zalo, "sendMessage", json={"chat_id": LAN.id, "text": text})
        assert status == 400 and payload["ok"] is False and payload["error_code"] == 400, text
    assert [len(m["text"]) for m in zalo.sent(TOKEN, LAN.id)] == [2000]


async def test_sending_to_a_chat_that_never_wrote_answers_the_unknown_chat_error(zalo, http) -> None:
    stranger = ZaloUser.named("Người lạ")
    status, payload = await api(http, zalo, "sendMessage", json={"chat_id": stranger.id, "text": "Chào"})
    assert (status, payload) == (
        400,
        {"ok": False, "error_code": 400, "description": "Bad Request: user not found"},
    )
    zalo.configure(unknown_chat=[403, "Forbidden: user has not interacted with the bot"])
    status, payload = await api(
        http, zalo, "sendChatAction", json={"chat_id": stranger.id, "action": "typing"}
    )
    assert status == 403 and payload["error_code"] == 403
    await zalo.send_text(TOKEN, stranger, "xin chào")  # writing makes the chat known
    status, _ = await api(http, zalo, "sendMessage", json={"chat_id": stranger.id, "text": "Chào"})
    assert status == 200
    zalo.forget_user(TOKEN, stranger.id)
    status, _ = await api(http, zalo, "sendMessage", json={"chat_id": stranger.id, "text": "Chào"})
    assert status == 403


async def test_send_chat_action_answers_ok_without_result(zalo, http) -> None:
    zalo.add_user(TOKEN, LAN)
    status, payload = await api(http, zalo, "sendChatAction", json={"chat_id": LAN.id, "action": "typing"})
    assert (status, payload) == (200, {"ok": True})
    assert zalo.chat_action(TOKEN, LAN.id) == "typing"
    status, _ = await api(http, zalo, "sendChatAction", json={"chat_id": LAN.id, "action": "upload_document"})
    assert status == 400


async def test_send_photo_fetches_a_loopback_url_and_records_the_picture(zalo, http) -> None:
    zalo.add_user(TOKEN, LAN)
    async with PictureServer() as pictures:
        body = {"chat_id": LAN.id, "photo": f"{pictures.origin}/chart.png", "caption": "Biểu đồ tuần"}
        status, payload = await api(http, zalo, "sendPhoto", json=body)
        assert status == 200 and re.match(HEX20, payload["result"]["message_id"])
        [sent] = zalo.sent(TOKEN, LAN.id)
        assert sent["photo"] == body["photo"] and sent["caption"] == "Biểu đồ tuần"
        assert sent["photo_fetch"]["data"] == pictures.png
        assert sent["photo_fetch"]["content_type"] == "image/png"
        for bad in ("/missing.png", "/page.html"):
            status, payload = await api(
                http, zalo, "sendPhoto", json={"chat_id": LAN.id, "photo": pictures.origin + bad}
            )
            assert status == 400 and "photo" in payload["description"]
    long_caption = {"chat_id": LAN.id, "photo": "https://example.org/x.png", "caption": "x" * 2001}
    assert (await api(http, zalo, "sendPhoto", json=long_caption))[0] == 400
    status, _ = await api(
        http, zalo, "sendPhoto", json={"chat_id": LAN.id, "photo": "https://example.org/x.png"}
    )
    assert status == 200  # not on loopback: recorded, never fetched
    assert zalo.sent(TOKEN, LAN.id)[-1]["photo_fetch"] is None
    form = aiohttp.FormData()
    form.add_field("chat_id", LAN.id)
    form.add_field("photo", b"\x89PNG....", filename="x.png", content_type="image/png")
    status, payload = await api(http, zalo, "sendPhoto", data=form)
    assert status == 400 and "URL" in payload["description"]  # photos are URLs, not uploads


async def test_public_origins_map_a_public_url_to_loopback(zalo, http) -> None:
    zalo.add_user(TOKEN, LAN)
    async with PictureServer() as pictures:
        zalo.configure(public_origins={"https://bot.example.org": pictures.origin})
        body = {"chat_id": LAN.id, "photo": "https://bot.example.org/chart.png"}
        status, _ = await api(http, zalo, "sendPhoto", json=body)
        assert status == 200
        assert pictures.requests == [{"path": "/chart.png"}]


# --- webhook ---------------------------------------------------------------------------------------


async def test_webhook_push_with_the_secret_header_and_get_updates_refused_meanwhile(zalo, http) -> None:
    async with WebhookReceiver() as hook:
        await zalo.send_text(TOKEN, LAN, "trước webhook")  # queued before: pushed once the webhook is set
        status, payload = await api(
            http, zalo, "setWebhook", json={"url": hook.url, "secret_token": "s3cret-key"}
        )
        assert status == 200 and payload["result"]["url"] == hook.url
        assert isinstance(payload["result"]["updated_at"], int)
        await zalo.send_text(TOKEN, MINH, "sau webhook")
        await zalo.wait_deliveries(TOKEN, count=2, ok=True)
        assert [r["headers"][SECRET_HEADER] for r in hook.requests] == ["s3cret-key", "s3cret-key"]
        bodies = [r["json"] for r in hook.requests]
        assert all(b["ok"] is True and b["result"]["event_name"] == TEXT_EVENT for b in bodies)
        assert [b["result"]["message"]["text"] for b in bodies] == ["trước webhook", "sau webhook"]

        status, payload = await api(http, zalo, "getUpdates", json={"timeout": 1})
        assert status == 400 and payload["ok"] is False and "webhook" in payload["description"]
        status, payload = await api(http, zalo, "getWebhookInfo")
        assert payload["result"]["url"] == hook.url

        status, payload = await api(http, zalo, "deleteWebhook")
        assert payload == {"ok": True, "result": {"url": "", "updated_at": payload["result"]["updated_at"]}}
        await zalo.send_text(TOKEN, LAN, "lại polling")
        status, payload = await api(http, zalo, "getUpdates", json={"timeout": 1})
        assert payload["result"]["message"]["text"] == "lại polling"
        assert len(hook.requests) == 2


async def test_webhook_push_is_retried_after_an_error_answer(zalo, http) -> None:
    zalo.configure(webhook_retry_s=0.05)
    async with WebhookReceiver() as hook:
        hook.status = 500
        await api(http, zalo, "setWebhook", json={"url": hook.url, "secret_token": "12345678"})
        await zalo.send_text(TOKEN, LAN, "thử lại")
        [failed] = await zalo.wait_deliveries(TOKEN, count=1)
        assert failed.status == 500 and failed.ok is False and failed.attempt == 1
        hook.status = 200
        [delivered] = await zalo.wait_deliveries(TOKEN, count=1, ok=True)
        assert delivered.attempt == 2 and delivered.update["message"]["text"] == "thử lại"


async def test_set_webhook_validates_url_and_secret(zalo, http) -> None:
    cases = [
        {"url": "http://example.org/hook", "secret_token": "12345678"},  # HTTPS only off loopback
        {"url": "not a url", "secret_token": "12345678"},
        {"url": "https://example.org/hook", "secret_token": "short"},
        {"url": "https://example.org/hook", "secret_token": "x" * 257},
        {"url": "https://example.org/hook"},
    ]
    for body in cases:
        status, payload = await api(http, zalo, "setWebhook", json=body)
        assert status == 400 and payload["error_code"] == 400, body
    status, _ = await api(
        http, zalo, "setWebhook", json={"url": "https://example.org/hook", "secret_token": "x" * 8}
    )
    assert status == 200


async def test_a_webhook_off_loopback_is_never_reached(zalo, http) -> None:
    zalo.configure(webhook_attempts=1)
    await api(http, zalo, "setWebhook", json={"url": "https://example.org/hook", "secret_token": "12345678"})
    await zalo.send_text(TOKEN, LAN, "đi đâu?")
    [attempt] = await zalo.wait_deliveries(TOKEN, count=1)
    assert attempt.status is None and "loopback" in attempt.error


# --- limits, faults, latency -----------------------------------------------------------------------


async def test_quota_exceeded_for_the_next_calls_then_normal(zalo, http) -> None:
    zalo.add_user(TOKEN, LAN)
    zalo.quota_exceeded(TOKEN, 2)
    body = {"chat_id": LAN.id, "text": "x"}
    answers = [await api(http, zalo, "sendMessage", json=body) for _ in range(3)]
    assert [a[0] for a in answers] == [429, 429, 200]
    assert answers[0][1] == {"ok": False, "error_code": 429, "description": "Quota exceeded"}
    assert len(zalo.sent(TOKEN, LAN.id)) == 1
    assert zalo.summary(TOKEN)["errors_per_code"] == {"429": 2}


async def test_quota_with_retry_after_sends_a_header(zalo, http) -> None:
    zalo.add_user(TOKEN, LAN)
    zalo.quota_exceeded(TOKEN, 1, method="sendMessage", retry_after=3)
    async with http.post(f"{zalo.base_url}{TOKEN}/sendMessage", json={"chat_id": LAN.id, "text": "x"}) as r:
        assert r.status == 429 and r.headers["Retry-After"] == "3"


async def test_per_second_cap_answers_429_over_the_rate(zalo, http) -> None:
    zalo.add_user(TOKEN, LAN)
    zalo.configure(rate_limit_per_s=1)
    body = {"chat_id": LAN.id, "text": "x"}
    answers = await asyncio.gather(*(api(http, zalo, "sendMessage", json=body) for _ in range(5)))
    assert sorted(status for status, _ in answers) == [200, 429, 429, 429, 429]
    assert {p["description"] for _, p in answers if not p["ok"]} == {"Quota exceeded"}
    await asyncio.sleep(1.1)
    assert (await api(http, zalo, "sendMessage", json=body))[0] == 200


async def test_latency_is_the_round_trip_of_every_call_long_polls_included(zalo, http) -> None:
    zalo.configure(latency_ms=300)
    started = time.monotonic()
    await api(http, zalo, "getMe")
    assert time.monotonic() - started >= 0.29
    await zalo.send_text(TOKEN, LAN, "nhanh")
    started = time.monotonic()
    status, payload = await api(http, zalo, "getUpdates", json={"timeout": 5})
    assert status == 200 and payload["result"]["message"]["text"] == "nhanh"
    assert 0.29 <= time.monotonic() - started < 3


async def test_injected_faults_error_and_drop(zalo, http) -> None:
    zalo.add_user(TOKEN, LAN)
    zalo.inject_fault(TOKEN, "sendMessage", error_code=502)
    status, payload = await api(http, zalo, "sendMessage", json={"chat_id": LAN.id, "text": "x"})
    assert (status, payload["description"]) == (502, "Bad Gateway")
    zalo.inject_fault(TOKEN, "getMe", drop=True)
    with pytest.raises(aiohttp.ClientError):
        await api(http, zalo, "getMe")


# --- the control API over HTTP ---------------------------------------------------------------------


async def test_control_api_over_http(zalo, http) -> None:
    async with ZaloEmulatorClient(zalo.origin) as control:
        update = await control.send_text(TOKEN, LAN, "qua control")
        assert update["message"]["from"]["id"] == LAN.id
        image = await control.send_image(TOKEN, {"display_name": "Hoa"}, data=b"\x89PNG-bytes", caption="ảnh")
        assert re.match(HEX20, image["message"]["from"]["id"])
        poll = asyncio.create_task(api(http, zalo, "getUpdates", json={"timeout": 5}))
        assert (await poll)[1]["result"]["message"]["text"] == "qua control"
        await control.quota_exceeded(TOKEN, 1)
        status, _ = await api(http, zalo, "sendMessage", json={"chat_id": LAN.id, "text": "bị 429"})
        assert status == 429
        await api(http, zalo, "sendMessage", json={"chat_id": LAN.id, "text": "được"})
        [call] = await control.wait_for(TOKEN, method="sendMessage", ok=True, timeout=5)
        assert call["params"]["text"] == "được"
        assert [m["text"] for m in await control.sent(TOKEN, LAN.id)] == ["được"]
        history = await control.history(TOKEN, LAN.id)
        assert [m["from_bot"] for m in history["messages"]] == [False, True]
        again = await control.redeliver(TOKEN, update["message"]["message_id"])
        assert again == update
        settings = await control.configure(latency_ms=5, unknown_chat=[403, "Forbidden"])
        assert settings["latency_ms"] == 5 and settings["unknown_chat"] == [403, "Forbidden"]
        state = await control.state(TOKEN)
        assert state["pending_updates"] == 2 and state["errors_per_code"] == {"429": 1}
        with pytest.raises(ZaloEmulatorControlError):
            await control.redeliver(TOKEN, "0" * 20)
        with pytest.raises(ZaloEmulatorControlError):
            await control.configure(no_such_setting=1)
        await control.reset()
        assert (await control.state(TOKEN))["calls"] == 0
        with pytest.raises(TimeoutError):
            await control.wait_polling(TOKEN, timeout=0.2)
        poller = asyncio.create_task(api(http, zalo, "getUpdates", json={"timeout": 5}))
        await control.wait_polling(TOKEN, timeout=5)
        await control.send_unsupported(TOKEN, LAN)
        assert (await poller)[1]["result"]["event_name"] == UNSUPPORTED_EVENT


async def test_control_api_webhook_deliveries(zalo, http) -> None:
    async with ZaloEmulatorClient(zalo.origin) as control, WebhookReceiver() as hook:
        await api(http, zalo, "setWebhook", json={"url": hook.url, "secret_token": "abcdefgh"})
        await control.send_sticker(TOKEN, MINH)
        [delivery] = await control.deliveries(TOKEN, count=1, ok=True, timeout=5)
        assert delivery["secret_header"] == "abcdefgh" and delivery["update"]["event_name"] == STICKER_EVENT
