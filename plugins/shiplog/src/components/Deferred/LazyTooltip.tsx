import Tooltip from '@material-ui/core/Tooltip';
import { ReactElement, useState } from 'react';

/**
 * MUI's Tooltip, mounted on the first hover or focus of its child: a table with a tooltip per step
 * (20 releases × 6 steps) mounted 120 of them, each with its own state, refs and Popper, before
 * anyone pointed at one. Until then the child carries the text as its native title, as MUI's
 * Tooltip does while closed; from then on the Tooltip behaves as MUI's own, opening at once.
 */
export function LazyTooltip(props: { title: string; children: ReactElement }) {
  const { title, children } = props;
  const [active, setActive] = useState(false);
  const [open, setOpen] = useState(false);
  if (!active) {
    const wake = () => {
      setActive(true);
      setOpen(true);
    };
    return (
      <span title={title} onMouseEnter={wake} onFocus={wake}>
        {children}
      </span>
    );
  }
  return (
    <Tooltip
      title={title}
      open={open}
      onOpen={() => setOpen(true)}
      onClose={() => setOpen(false)}
    >
      <span>{children}</span>
    </Tooltip>
  );
}
