import type { PageProps } from '../routes';

export default function RunPage({ params }: PageProps) {
  return (
    <main className="page">
      <h1>Run {params.id}</h1>
    </main>
  );
}
