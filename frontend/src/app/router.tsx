import { createElement, lazy, Suspense } from "react";
import { createBrowserRouter, type RouteObject } from "react-router-dom";

import { AppLayout } from "./AppLayout";
import { AuthGuard } from "./AuthGuard";
import NotFound from "./NotFound";
import { SCREENS } from "./screens";

const LoginPage = lazy(() => import("../features/auth/LoginPage"));

const screenRoutes: RouteObject[] = SCREENS.map((screen) =>
  screen.path === "" ? { index: true, element: createElement(screen.page) } : { path: screen.path, element: createElement(screen.page) },
);
// One item has an address of its own (`/traces/<id>`, `/tasks/<id>`): its screen's page with that item open.
for (const screen of SCREENS) {
  if (screen.detail) screenRoutes.push({ path: `${screen.path}/${screen.detail}`, element: createElement(screen.page) });
}

export const routes: RouteObject[] = [
  {
    path: "/login",
    element: (
      <Suspense>
        <LoginPage />
      </Suspense>
    ),
  },
  {
    path: "/",
    element: (
      <AuthGuard>
        <AppLayout />
      </AuthGuard>
    ),
    children: [...screenRoutes, { path: "*", element: <NotFound /> }],
  },
];

export function createRouter() {
  return createBrowserRouter(routes);
}
