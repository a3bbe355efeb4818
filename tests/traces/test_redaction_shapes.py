"""The one redaction function finds each platform's secrets by name and by shape, in every form a text takes.

Names and token formats are the platforms' own (see the platform notes): Amazon LWA tokens and client secrets,
TikTok Shop's `x-tts-access-token` / `app_secret` / `sign` and `TTP_` tokens, Shopee's `partner_key`, `sign` and
hex tokens, Lazada's form-posted `access_token` / `sign` / `payload` and `50000…` tokens. Token values are made up.
"""

from __future__ import annotations

import json

import pytest

from api.traces.redaction import REDACTED, redact_headers, redact_text, redact_url, scrub

AMAZON_ACCESS = "Atza|IwEBIJk4mXw7Ff0Q-amazon-access-token"
AMAZON_REFRESH = "Atzr|IwEBIN2b8dOq9kK-amazon-refresh-token"
AMAZON_CLIENT_SECRET = "amzn1.oa2-cs.v1.3f9c0d7e1a2b4c5d6e7f8091a2b3c4d5"
TIKTOK_ACCESS = "TTP_Fw8rBwAAAAAkW03FYd09DG-9INtpw361hWthei8S3fHX8iPJ5AUv99fLSCYD9"
TIKTOK_REFRESH = "TTP_NTUxZTNhYTQ2ZDk2YmRmZWNmYWY2YWY2YzkxNGYwNjQ3YjkzYTllYjA0YmNlMw"
TIKTOK_APP_SECRET = "e59af819cc-tiktok-app-secret"
TIKTOK_SIGN = "b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8"
SHOPEE_ACCESS = "71594e5a6c6e6e416f4a5a644e4d6e4e"  # hex of 16 ASCII letters, as Shopee's tokens are
SHOPEE_REFRESH = "516c6e72516e6c4f6a4e4b4f4a6c5a66"
SHOPEE_PARTNER_KEY = "shopee-partner-key-0123456789"
SHOPEE_SIGN = "9fdae5aeed86e753249982ec04aa54339280f12d3f456b9e3f7d8ee91e66a2b3"
LAZADA_ACCESS = "50000601c30atpedfgu3LVvik87IxNEWACCESSTOKENceb156fPunYZ43GBg"
LAZADA_REFRESH = "500016000300bwa2WteaQyNEWREFRESHTOKEN18356663CfcDTYpWoi"
LAZADA_SIGN = "4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzZWxsZXIifQ.c2lnbmF0dXJlLXZhbHVl"


def leaked(text: str, *secrets: str) -> list[str]:
    return [s for s in secrets if s in text]


def test_amazon_lwa_secrets_are_redacted_in_the_token_form_its_answer_and_the_api_call() -> None:
    form = (
        f"grant_type=refresh_token&refresh_token={AMAZON_REFRESH.replace('|', '%7C')}"
        f"&client_id=amzn1.application-oa2-client.abc&client_secret={AMAZON_CLIENT_SECRET}"
    )
    answer = json.dumps({"access_token": AMAZON_ACCESS, "token_type": "bearer", "refresh_token": AMAZON_REFRESH})
    headers = redact_headers({"x-amz-access-token": AMAZON_ACCESS, "x-amz-date": "20190430T123600Z"})
    prose = f"LWA said invalid_client for {AMAZON_CLIENT_SECRET} while refreshing {AMAZON_REFRESH}"

    redacted_form, redacted_answer = redact_text(form), redact_text(answer)

    assert "client_id=amzn1.application-oa2-client.abc" in redacted_form and "grant_type=refresh_token" in redacted_form
    assert (
        leaked(redacted_form + redacted_answer + scrub(prose), AMAZON_ACCESS, AMAZON_REFRESH, AMAZON_CLIENT_SECRET)
        == []
    )
    assert "%7C" not in redacted_form.split("refresh_token=")[1].split("&")[0]
    assert json.loads(redacted_answer)["token_type"] == "bearer"
    assert headers == {"x-amz-access-token": REDACTED, "x-amz-date": "20190430T123600Z"}


def test_tiktok_secrets_are_redacted_in_the_signed_query_the_header_and_the_refresh_call() -> None:
    call = (
        "https://open-api.tiktokglobalshop.com/product/202309/products/1/prices/update"
        f"?app_key=29a39d&timestamp=1623812664&shop_cipher=GCP_XF90ig&sign={TIKTOK_SIGN}"
    )
    refresh = (
        "https://auth.tiktok-shops.com/api/v2/token/refresh?app_key=29a39d"
        f"&app_secret={TIKTOK_APP_SECRET}&refresh_token={TIKTOK_REFRESH}&grant_type=refresh_token"
    )
    answer = json.dumps({"code": 0, "data": {"access_token": TIKTOK_ACCESS, "access_token_expire_in": 1660556783}})

    redacted = redact_url(call) + redact_url(refresh) + redact_text(answer)

    assert leaked(redacted, TIKTOK_SIGN, TIKTOK_APP_SECRET, TIKTOK_REFRESH, TIKTOK_ACCESS) == []
    assert (
        "app_key=29a39d" in redacted and "shop_cipher=GCP_XF90ig" in redacted and "grant_type=refresh_token" in redacted
    )
    assert json.loads(redact_text(answer))["data"]["access_token_expire_in"] == 1660556783
    assert redact_headers({"x-tts-access-token": TIKTOK_ACCESS}) == {"x-tts-access-token": REDACTED}
    assert scrub(f"token {TIKTOK_ACCESS} was deauthorized") == f"token {REDACTED} was deauthorized"


def test_shopee_secrets_are_redacted_in_the_query_the_refresh_body_and_by_the_shape_of_its_tokens() -> None:
    call = (
        "https://partner.shopeemobile.com/api/v2/product/update_price?partner_id=2001887&timestamp=1655714431"
        f"&access_token={SHOPEE_ACCESS}&shop_id=14701711&sign={SHOPEE_SIGN}"
    )
    body = json.dumps({"shop_id": 322300222, "refresh_token": SHOPEE_REFRESH, "partner_id": 2001887})
    prose = f"error_auth: Invalid access_token. (token was {SHOPEE_ACCESS}, request e3b0c44298fc1c149afbf4c8996fb924)"

    redacted = redact_url(call) + redact_text(body) + scrub(prose)

    assert leaked(redacted, SHOPEE_ACCESS, SHOPEE_REFRESH, SHOPEE_SIGN) == []
    assert "partner_id=2001887" in redacted and "shop_id=14701711" in redacted
    # A random request id has the same alphabet but is no token.
    assert "e3b0c44298fc1c149afbf4c8996fb924" in redacted
    assert redact_headers({"X-Partner-Key": SHOPEE_PARTNER_KEY}) == {"X-Partner-Key": REDACTED}
    assert leaked(redact_text(f"partner_key={SHOPEE_PARTNER_KEY}&partner_id=1"), SHOPEE_PARTNER_KEY) == []


def test_lazada_secrets_are_redacted_in_the_form_body_and_the_payload_json_inside_it() -> None:
    payload = json.dumps({"Request": {"Product": {"Skus": {"Sku": [{"SkuId": "1", "Price": "8.00"}]}}}})
    form = (
        f"app_key=123456&sign_method=sha256&timestamp=1517820392000&access_token={LAZADA_ACCESS}"
        f"&payload={payload}&sign={LAZADA_SIGN}"
    )
    token_answer = json.dumps({"access_token": LAZADA_ACCESS, "refresh_token": LAZADA_REFRESH, "country": "cb"})

    redacted = redact_text(form)

    assert leaked(redacted + redact_text(token_answer), LAZADA_ACCESS, LAZADA_REFRESH, LAZADA_SIGN) == []
    assert "sign_method=sha256" in redacted and '"Price": "8.00"' in redacted
    assert scrub(f"IllegalAccessToken for {LAZADA_ACCESS}") == f"IllegalAccessToken for {REDACTED}"


@pytest.mark.parametrize(
    "header",
    [
        "X-Sign",
        "X-Partner-Key",
        "X-Access-Token",
        "x-tts-access-token",
        "x-amz-access-token",
        "Authorization",
        "Cookie",
    ],
)
def test_every_secret_header_is_redacted_whatever_its_case(header: str) -> None:
    assert redact_headers([(header, "s3cr3t-value"), ("Accept", "application/json")]) == {
        header: REDACTED,
        "Accept": "application/json",
    }


def test_a_secret_inside_a_json_document_serialised_in_a_string_is_redacted() -> None:
    inner = json.dumps({"credentials": {"client_secret": "cs-inner-0123", "scope": "listings"}})
    body = json.dumps({"errors": [{"code": "InvalidInput", "details": inner}]})

    redacted = json.loads(redact_text(body))

    assert json.loads(redacted["errors"][0]["details"])["credentials"] == {
        "client_secret": REDACTED,
        "scope": "listings",
    }
    assert redacted["errors"][0]["code"] == "InvalidInput"  # "code" in JSON is an error code, not an OAuth code


def test_secrets_in_xml_bodies_are_redacted_by_element_and_attribute_name() -> None:
    xml = (
        '<?xml version="1.0"?><Envelope><Header><ns:AccessToken>xml-access-0123</ns:AccessToken>'
        '<Auth password="xml-password-0123" user="ops"/></Header><Code>105002</Code></Envelope>'
    )

    redacted = redact_text(xml)

    assert leaked(redacted, "xml-access-0123", "xml-password-0123") == []
    assert "<Code>105002</Code>" in redacted and 'user="ops"' in redacted


def test_free_text_loses_bearer_tokens_jwts_named_tokens_and_long_hex_signs_but_keeps_its_words() -> None:
    text = (
        f"upstream 401: Authorization: Bearer opaque-bearer-0123456 ({JWT}); retried with access_token=plain-at-0123"
        f" and refresh_token: plain-rt-0123, sign={TIKTOK_SIGN}; the sign is wrong, code: 105002"
    )

    redacted = scrub(text)

    assert leaked(redacted, "opaque-bearer-0123456", JWT, "plain-at-0123", "plain-rt-0123", TIKTOK_SIGN) == []
    assert "the sign is wrong, code: 105002" in redacted and redacted.startswith("upstream 401: Authorization:")


def test_an_oauth_code_is_a_secret_in_a_query_but_an_error_code_in_json_and_prose() -> None:
    callback = "https://erp.example/callback?code=oauth-code-0123&shop_id=14701711"

    assert redact_url(callback) == f"https://erp.example/callback?code={REDACTED}&shop_id=14701711"
    assert redact_text('{"code": "105002", "message": "access token is expired"}') == (
        '{"code": "105002", "message": "access token is expired"}'
    )
    assert scrub(f"ConnectError while GET {callback}") == f"ConnectError while GET {redact_url(callback)}"


def test_a_text_without_secrets_comes_back_exactly_as_it_was() -> None:
    texts = [
        '{ "errors" : [ {"code":"InvalidInput","message":"价格低于最低价"} ] }',
        "price is locked by an ongoing promotion; code 12052038",
        "marketplaceIds=ATVPDKIKX0DER&includedData=issues%2Csummaries",
        "<Result><Code>0</Code></Result>",
        "",
    ]

    assert [redact_text(t) for t in texts] == texts


def test_known_secret_values_are_redacted_wherever_they_appear() -> None:
    assert scrub("shop secret plainsecretvalue-88 leaked", ["plainsecretvalue-88"]) == f"shop secret {REDACTED} leaked"
    assert redact_text('{"note": "it was plainsecretvalue-88"}', ["plainsecretvalue-88"]) == (
        f'{{"note": "it was {REDACTED}"}}'
    )
