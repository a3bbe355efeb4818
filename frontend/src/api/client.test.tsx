import { useMutation, useQuery } from "@tanstack/react-query";
import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { AppProviders } from "../app/AppProviders";
import { setLanguage } from "../app/language";
import { json, problem, stubFetch } from "../test/fetch";
import { ApiError, api, call } from "./client";

beforeEach(() => setLanguage("zh-CN"));

describe("the API client", () => {
  it("turns a problem+json answer into a typed ApiError whose message is the title and detail", async () => {
    stubFetch(() =>
      problem(422, {
        title: "参数校验失败",
        code: "validation_failed",
        detail: "scopes: List should have at least 1 item",
        request_id: "req-1",
        invalid_params: [{ name: "scopes", reason: "List should have at least 1 item", type: "too_short" }],
      }),
    );

    const error = await call(api.POST("/v1/api-keys", { body: { name: "ci", scopes: [] } })).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    const apiError = error as ApiError;
    expect(apiError.status).toBe(422);
    expect(apiError.code).toBe("validation_failed");
    expect(apiError.message).toBe("参数校验失败: scopes: List should have at least 1 item");
    expect(apiError.invalidParams).toEqual([
      { name: "scopes", reason: "List should have at least 1 item", type: "too_short" },
    ]);
    expect(apiError.requestId).toBe("req-1");
  });

  it("sends the session cookie and the current language with every request", async () => {
    const sent = stubFetch(() => json({ items: [] }));

    await call(api.GET("/v1/api-keys"));
    setLanguage("en");
    await call(api.GET("/v1/api-keys"));

    expect(sent.map((r) => r.credentials)).toEqual(["include", "include"]);
    expect(sent.map((r) => r.headers.get("Accept-Language"))).toEqual(["zh-CN", "en"]);
  });

  it("explains an answer that is not a problem, and an unreachable server, in the user's language", async () => {
    stubFetch(() => new Response("<html>Bad gateway</html>", { status: 502 }));
    await expect(call(api.GET("/v1/me"))).rejects.toThrow("请求失败（HTTP 502）");

    vi.stubGlobal("fetch", vi.fn().mockRejectedValue(new TypeError("Failed to fetch")));
    setLanguage("en");
    await expect(call(api.GET("/v1/me"))).rejects.toMatchObject({ status: 0, message: "Cannot reach the server" });
  });
});

function FailingWrite() {
  const write = useMutation({ mutationFn: () => call(api.POST("/v1/auth/login", { body: { email: "a@b.co", password: "x" } })) });
  return <button onClick={() => write.mutate()}>write</button>;
}

function FailingRead({ path }: { path: "/v1/me" | "/v1/api-keys" }) {
  useQuery({ queryKey: [path], queryFn: () => call(api.GET(path)) });
  return null;
}

describe("API errors shown to the user", () => {
  it("shows a failed write's problem title and detail in a message", async () => {
    stubFetch(() => problem(401, { title: "需要登录", code: "unauthorized", detail: "wrong email or password" }));
    render(
      <AppProviders>
        <FailingWrite />
      </AppProviders>,
    );

    await userEvent.click(screen.getByRole("button", { name: "write" }));

    expect(await screen.findByText("需要登录: wrong email or password")).toBeInTheDocument();
  });

  it("shows a failed read's problem in a message", async () => {
    stubFetch(() => problem(403, { title: "Not allowed", code: "forbidden", detail: "admins only" }));
    render(
      <AppProviders>
        <FailingRead path="/v1/api-keys" />
      </AppProviders>,
    );

    expect(await screen.findByText("Not allowed: admins only")).toBeInTheDocument();
  });

  it("says nothing when a read finds the session gone: the auth guard sends the user to log in", async () => {
    const sent = stubFetch(() => problem(401, { title: "需要登录", code: "unauthorized" }));
    render(
      <AppProviders>
        <FailingRead path="/v1/me" />
      </AppProviders>,
    );

    await act(() => new Promise((resolve) => setTimeout(resolve, 100)));
    expect(sent).toHaveLength(1);
    expect(screen.queryByText("需要登录")).not.toBeInTheDocument();
  });
});
