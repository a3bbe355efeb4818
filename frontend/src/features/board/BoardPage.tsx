import { ComingLater } from "../../app/ComingLater";

// The error board, the default screen. Its API (/v1/errors, /v1/errors/facets, /v1/views, /v1/errors/{id}, ...)
// lands with the error board issue; then this page gets the Error/Warning tabs, the URL-driven filters, the trend
// chart (app/EChart), the server-paged table and the detail drawer, with their hooks in this folder.
export default function BoardPage() {
  return <ComingLater screen="nav.board" />;
}
