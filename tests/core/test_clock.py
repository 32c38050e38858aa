from app.core.clock import describe_skew, server_time_of, server_time_url
from app.core.response import ResponseData


def test_server_time_url_keeps_origin_and_api_prefix() -> None:
    assert server_time_url("https://wallet.paysera.com/rest/v1/payment/10145?x=1") == (
        "https://wallet.paysera.com/rest/v1/server"
    )
    assert server_time_url("https://wallet.paysera.com/transfer/rest/v1/transfers") == (
        "https://wallet.paysera.com/transfer/rest/v1/server"
    )
    assert server_time_url("http://127.0.0.1:8080/other") == "http://127.0.0.1:8080/rest/v1/server"


def test_server_time_from_body_then_date_header() -> None:
    response = ResponseData(200, "OK", (("Date", "Wed, 25 Nov 2026 12:00:00 GMT"),), b"", 1)
    assert server_time_of(response, {"time": 1795000000}) == 1795000000.0
    assert server_time_of(response, {"other": 1}) == 1795608000.0
    assert server_time_of(ResponseData(200, "OK", (), b"", 1), None) is None


def test_skew_sentences() -> None:
    assert "agrees" in describe_skew(1000, 1001)
    assert "100 seconds behind" in describe_skew(1100, 1000)
    assert "10 minutes ahead of" in describe_skew(1000, 1600)
