// The navigation points here; the screen lives with its API's domain in features/stats.
export { default } from "../stats/SlaPage";
