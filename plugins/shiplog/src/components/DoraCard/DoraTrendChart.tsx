import { useTheme } from '@material-ui/core/styles';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

/** One point per week: its Monday and the metric's value (null where there was nothing to measure). */
export interface TrendPoint {
  week: string;
  value: number | null;
}

/**
 * A metric's weekly trend. Kept in its own module so recharts loads only with the DORA card
 * (`React.lazy`), never with the rest of the plugin.
 */
export default function DoraTrendChart(props: {
  points: TrendPoint[];
  label: string;
}) {
  const theme = useTheme();
  return (
    <ResponsiveContainer width="100%" height={120}>
      <BarChart data={props.points} margin={{ top: 8, right: 8, left: -16 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="week" tick={{ fontSize: 10 }} />
        <YAxis tick={{ fontSize: 10 }} allowDecimals />
        <Tooltip />
        <Bar
          dataKey="value"
          name={props.label}
          fill={theme.palette.primary.main}
          isAnimationActive={false}
        />
      </BarChart>
    </ResponsiveContainer>
  );
}
