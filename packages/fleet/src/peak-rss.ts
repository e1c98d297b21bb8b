/** This process's peak resident set size so far, in bytes (what run reports list per process). */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}
