// The board opens a group's drawer from the `group` search parameter (features/board, GROUP_PARAM).
export const boardGroupLink = (groupId: string) => `/?group=${encodeURIComponent(groupId)}`;
