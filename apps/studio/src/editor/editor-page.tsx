import type { PageProps } from '../routes';

export default function EditorPage({ params }: PageProps) {
  return (
    <main className="page">
      <h1>{params.name ?? 'New workflow'}</h1>
    </main>
  );
}
