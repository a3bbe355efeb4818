import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createMemoryRouter, RouterProvider } from "react-router-dom";

import { AppProviders } from "../../app/AppProviders";
import { setLanguage } from "../../app/language";
import { json, problem, stubFetch } from "../../test/fetch";
import LoginPage from "./LoginPage";

function renderLogin() {
  const router = createMemoryRouter(
    [
      { path: "/login", element: <LoginPage /> },
      { path: "/", element: <p>the board</p> },
    ],
    { initialEntries: ["/login"] },
  );
  render(
    <AppProviders>
      <RouterProvider router={router} />
    </AppProviders>,
  );
  return router;
}

beforeEach(() => setLanguage("zh-CN"));

describe("the login form", () => {
  it("asks for the email and the password before sending anything", async () => {
    const sent = stubFetch(() => json({}));
    renderLogin();

    await userEvent.click(screen.getByRole("button", { name: /登\s*录/ }));

    expect(await screen.findByText("请输入邮箱")).toBeInTheDocument();
    expect(screen.getByText("请输入密码")).toBeInTheDocument();
    expect(sent).toHaveLength(0);
  });

  it("refuses an email that is not an address", async () => {
    const sent = stubFetch(() => json({}));
    renderLogin();

    await userEvent.type(screen.getByLabelText("邮箱"), "not-an-email");
    await userEvent.type(screen.getByLabelText("密码"), "secret");
    await userEvent.click(screen.getByRole("button", { name: /登\s*录/ }));

    expect(await screen.findByText("邮箱格式不正确")).toBeInTheDocument();
    expect(sent).toHaveLength(0);
  });

  it("signs in with valid input and goes to the board", async () => {
    const sent = stubFetch(() => json({ access_token: "t", token_type: "bearer", expires_at: "2030-01-01T00:00:00Z" }));
    const router = renderLogin();

    await userEvent.type(screen.getByLabelText("邮箱"), "ops@example.com");
    await userEvent.type(screen.getByLabelText("密码"), "correct horse");
    await userEvent.click(screen.getByRole("button", { name: /登\s*录/ }));

    expect(await screen.findByText("the board")).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/");
    expect(sent).toHaveLength(1);
    expect(sent[0]!.method).toBe("POST");
    expect(new URL(sent[0]!.url).pathname).toBe("/v1/auth/login");
    expect(JSON.parse(sent[0]!.body)).toEqual({ email: "ops@example.com", password: "correct horse" });
  });

  it("stays on the page and shows the API's reason when the password is wrong", async () => {
    stubFetch(() => problem(401, { title: "需要登录", code: "unauthorized", detail: "wrong email or password" }));
    const router = renderLogin();

    await userEvent.type(screen.getByLabelText("邮箱"), "ops@example.com");
    await userEvent.type(screen.getByLabelText("密码"), "wrong");
    await userEvent.click(screen.getByRole("button", { name: /登\s*录/ }));

    expect(await screen.findByText("需要登录: wrong email or password")).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/login");
  });
});
